const { installFakeWx } = require('../support/fake-wx');
const { renderPage, settle, tap } = require('../support/render');
const { aSessionView, aBill } = require('../support/api-bodies');

describe('the charging page', () => {
  let fake;
  let page;
  let session;

  beforeEach(() => {
    fake = installFakeWx();
    session = aSessionView({ startedAt: new Date(Date.now() - 65 * 60 * 1000).toISOString(), socPercent: 42 });
    fake.api
      .on('GET /sessions/session-1', () => session)
      .on('POST /sessions/session-1/stop', () => aSessionView({ status: 'STOPPING', stoppedAt: new Date().toISOString() }));
    page = renderPage('pages/charging/progress');
  });

  afterEach(() => page.instance.onUnload());

  const open = async () => {
    await page.instance.onLoad({ id: 'session-1' });
    await settle();
  };
  const socket = () => fake.sockets[fake.sockets.length - 1];

  it('shows energy, power, cost, elapsed time and battery level', async () => {
    await open();
    const text = page.dom.textContent;
    expect(text).toContain('3.00');
    expect(text).toContain('58kW');
    expect(text).toContain('¥5.70');
    expect(text).toContain('01:05:');
    expect(text).toContain('42%');
  });

  it('says the hold goes back to the balance when I pay from the wallet', async () => {
    await open();
    expect(page.dom.textContent).toContain('已预授权 ¥50.00');
    expect(page.dom.textContent).not.toContain('微信支付分');
  });

  it('says WeChat Pay Score takes the actual cost, at most the risk amount, when I pay with it', async () => {
    session = aSessionView({ paymentMode: 'payscore' });
    await open();
    expect(page.dom.textContent).toContain('微信支付分');
    expect(page.dom.textContent).toContain('最高 ¥50.00');
    expect(page.dom.textContent).not.toContain('退回余额');
  });

  it('follows live progress from the socket', async () => {
    await open();
    socket().open();
    expect(socket().sent).toEqual([{ type: 'subscribe', sessionId: 'session-1' }]);
    socket().receive({ type: 'session.progress', sessionId: 'session-1', at: '2030-01-01T02:00:00.000Z', energyWh: 4560, powerW: 61000, costFen: 866, elapsedSeconds: 3960, socPercent: 47 });
    await settle();
    const text = page.dom.textContent;
    expect(text).toContain('4.56');
    expect(text).toContain('¥8.66');
    expect(text).toContain('47%');
  });

  it('keeps refreshing over REST while the socket is down', async () => {
    jest.useFakeTimers();
    try {
      await open();
      fake.online = true;
      socket().drop();
      await settle();
      expect(page.querySelector('#connection').dom.textContent).toContain('实时连接中断');
      session = aSessionView({ energyWh: 7000, costFen: 1330 });
      await jest.advanceTimersByTimeAsync(500);
      socket().drop(); // the reconnect fails too
      await jest.advanceTimersByTimeAsync(5000);
      expect(fake.api.count('GET', '/sessions/session-1')).toBeGreaterThanOrEqual(3);
      expect(page.dom.textContent).toContain('7.00');
    } finally {
      jest.useRealTimers();
    }
  });

  it('stops charging after I confirm', async () => {
    await open();
    await tap(page, '#stop');
    expect(fake.modals[0].title).toBe('结束充电');
    expect(fake.api.count('POST', '/sessions/session-1/stop')).toBe(1);
    expect(page.data.view.status).toBe('STOPPING');
    expect(page.data.view.canStop).toBe(false);
  });

  it('keeps charging when I think again', async () => {
    fake.modalAnswer = false;
    await open();
    await tap(page, '#stop');
    expect(fake.api.count('POST', '/sessions/session-1/stop')).toBe(0);
  });

  it('shows the bill when the session settles, and lets go of the socket', async () => {
    await open();
    socket().open();
    socket().receive({ type: 'session.status', sessionId: 'session-1', status: 'COMPLETED', at: '2030-01-01T02:30:00.000Z', energyWh: 12000, endReason: 'DRIVER_STOPPED', bill: aBill() });
    await settle();
    const text = page.dom.textContent.replace(/\s+/g, '');
    expect(text).toContain('实付¥22.80');
    expect(text).toContain('退回余额¥27.20');
    expect(text).toContain('评价本次充电');
    expect(socket().closed).toBe(true);
  });

  it('opens no socket for a session that is already over', async () => {
    session = aSessionView({ status: 'COMPLETED', bill: aBill() });
    await open();
    expect(fake.sockets).toHaveLength(0);
    expect(page.dom.textContent).toContain('账单');
  });
});
