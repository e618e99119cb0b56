/**
 * A stand-in for the parts of `wx` the mini-program uses, installed on `global.wx` before each test:
 * storage in memory, an in-process API (`fake.api`), sockets the test drives (`fake.sockets`), and
 * recorders for toasts, modals, navigation, scanning, location and payment.
 */
class FakeApi {
  constructor() {
    this.routes = [];
    this.requests = [];
  }

  /** Answers `METHOD /path` (path without /api/v1, `:param` allowed) with `handler(request)` → body, or `{status: number, body}`. */
  on(route, handler) {
    const [method, path] = route.split(' ');
    const pattern = new RegExp(`^${path.replace(/:[^/]+/g, '[^/]+')}$`);
    this.routes.unshift({ method, pattern, handler });
    return this;
  }

  /** Answers `route` with the API's error format. */
  fail(route, status, code, message, field) {
    return this.on(route, () => ({ status, body: { error: { code, message, field } } }));
  }

  handle(options) {
    const url = new URL(options.url);
    const path = url.pathname.replace(/^\/api\/v1/, '');
    const method = options.method || 'GET';
    // Like WeChat, GET data goes into the query string.
    const fromData = method === 'GET' && options.data ? Object.fromEntries(Object.entries(options.data).map(([k, v]) => [k, String(v)])) : {};
    const request = { method, path, query: Object.assign(Object.fromEntries(url.searchParams), fromData), data: options.data, header: options.header };
    this.requests.push(request);
    const route = this.routes.find((r) => r.method === request.method && r.pattern.test(path));
    if (!route) return { status: 404, body: { error: { code: 'NOT_FOUND', message: `no fake for ${request.method} ${path}` } } };
    const answer = route.handler(request);
    const explicit = answer && typeof answer.status === 'number' && 'body' in answer;
    return explicit ? answer : { status: 200, body: answer === undefined ? '' : answer };
  }

  last(method, path) {
    return [...this.requests].reverse().find((r) => r.method === method && r.path === path);
  }

  count(method, path) {
    return this.requests.filter((r) => r.method === method && r.path === path).length;
  }
}

class FakeSocket {
  constructor(url) {
    this.url = url;
    this.sent = [];
    this.closed = false;
    this.handlers = { open: [], message: [], close: [], error: [] };
  }

  onOpen(fn) { this.handlers.open.push(fn); }
  onMessage(fn) { this.handlers.message.push(fn); }
  onClose(fn) { this.handlers.close.push(fn); }
  onError(fn) { this.handlers.error.push(fn); }
  send({ data }) { this.sent.push(JSON.parse(data)); }
  close() { this.closed = true; }

  // What the server does:
  open() { this.handlers.open.forEach((fn) => fn({})); }
  receive(message) { this.handlers.message.forEach((fn) => fn({ data: JSON.stringify(message) })); }
  drop() { this.handlers.error.forEach((fn) => fn({ errMsg: 'socket dropped' })); this.handlers.close.forEach((fn) => fn({ code: 1006 })); }
}

function installFakeWx() {
  const storage = new Map();
  const fake = {
    // Signed in by dev login unless a test says otherwise.
    api: new FakeApi().on('POST /auth/dev-login', () => ({ token: 'tok', user: { id: 'u1', name: 'demo-driver', role: 'driver' } })),
    /** Set to false to make every request fail as if the phone were offline. */
    online: true,
    sockets: [],
    toasts: [],
    modals: [],
    /** wx.requestSubscribeMessage calls, and what the driver answers to them ('accept' or 'reject'). */
    subscriptionRequests: [],
    subscriptionAnswer: 'accept',
    /** What the next wx.showModal answers: true = confirm; or a function of its options. */
    modalAnswer: true,
    navigations: [],
    openedLocations: [],
    payments: [],
    /** wx.navigateToMiniProgram calls (another mini-program opened), and whether the driver goes there ('ok' or 'cancel'). */
    miniPrograms: [],
    miniProgramOutcome: 'ok',
    /** What the next wx.requestPayment does: 'ok', 'cancel' or 'fail'. */
    paymentOutcome: 'ok',
    /** What the next wx.scanCode reads; null means the driver cancelled. */
    scanResult: null,
    /** Where wx.getLocation says we are; null means the driver refused location. */
    location: { latitude: 31.2304, longitude: 121.4737 },
    loginCode: 'wx-login-code',
    storage,
  };
  const later = (fn) => Promise.resolve().then(fn);
  const navigate = (kind) => (options = {}) => {
    fake.navigations.push({ kind, url: options.url || options.delta });
    later(() => options.success && options.success({}));
  };
  global.wx = Object.assign(global.wx || {}, {
    getAccountInfoSync: () => ({ miniProgram: { envVersion: 'develop', appId: 'wx0123456789abcdef' } }),
    getStorageSync: (key) => (storage.has(key) ? storage.get(key) : ''),
    setStorageSync: (key, value) => storage.set(key, value),
    removeStorageSync: (key) => storage.delete(key),
    request: (options) =>
      later(() => {
        if (!fake.online) return options.fail && options.fail({ errMsg: 'request:fail' });
        const { status, body } = fake.api.handle(options);
        options.success({ statusCode: status, data: body });
      }),
    connectSocket: (options) => {
      const socket = new FakeSocket(options.url);
      fake.sockets.push(socket);
      return socket;
    },
    login: (options) => later(() => options.success({ code: fake.loginCode })),
    showToast: (options) => fake.toasts.push(options),
    requestSubscribeMessage: (options) => {
      fake.subscriptionRequests.push(options);
      later(() => options.success(Object.fromEntries(options.tmplIds.map((id) => [id, fake.subscriptionAnswer]))));
    },
    showLoading: () => {},
    hideLoading: () => {},
    showModal: (options) => {
      fake.modals.push(options);
      const confirm = typeof fake.modalAnswer === 'function' ? fake.modalAnswer(options) : fake.modalAnswer;
      later(() => options.success && options.success(typeof confirm === 'object' ? confirm : { confirm, cancel: !confirm }));
    },
    navigateTo: navigate('navigateTo'),
    redirectTo: navigate('redirectTo'),
    switchTab: navigate('switchTab'),
    navigateBack: navigate('navigateBack'),
    openLocation: (options) => fake.openedLocations.push(options),
    getLocation: (options) =>
      later(() => (fake.location ? options.success(Object.assign({}, fake.location)) : options.fail({ errMsg: 'getLocation:fail auth deny' }))),
    openSetting: () => {},
    scanCode: (options) => later(() => (fake.scanResult === null ? options.fail({ errMsg: 'scanCode:fail cancel' }) : options.success({ result: fake.scanResult }))),
    requestPayment: (options) => {
      fake.payments.push(options);
      later(() => {
        if (fake.paymentOutcome === 'ok') options.success({ errMsg: 'requestPayment:ok' });
        else options.fail({ errMsg: `requestPayment:fail ${fake.paymentOutcome}` });
      });
    },
    navigateToMiniProgram: (options) => {
      fake.miniPrograms.push(options);
      later(() => (fake.miniProgramOutcome === 'ok' ? options.success({ errMsg: 'navigateToMiniProgram:ok' }) : options.fail({ errMsg: 'navigateToMiniProgram:fail cancel' })));
    },
    stopPullDownRefresh: () => {},
  });
  return fake;
}

module.exports = { installFakeWx, FakeSocket };
