const { installFakeWx } = require('../support/fake-wx');
const { renderPage, settle, tap, type } = require('../support/render');
const { aPile, aStation } = require('../support/api-bodies');

describe('the scan and start page', () => {
  let fake;
  let page;
  let active;

  beforeEach(async () => {
    fake = installFakeWx();
    active = [];
    const { piles, ...station } = aStation();
    fake.api
      .on('GET /me/active-sessions', () => ({ sessions: active }))
      .on('GET /piles/:code', (request) => ({ pile: aPile({ code: request.path.split('/').pop(), status: request.path.endsWith('broken') ? 'fault' : 'idle' }), station }))
      .on('POST /sessions', () => ({ sessionId: 'new-session', status: 'STARTING' }))
      .on('POST /sessions/:id/start', () => ({ sessionId: 'reserved-session', status: 'STARTING' }));
    page = renderPage('pages/scan');
  });

  const scan = async (result) => {
    fake.scanResult = result;
    page.instance.onShow();
    await settle();
    await tap(page, '#scan');
  };

  it('shows the scanned pile with its price, and starts charging for the amount I set', async () => {
    await scan('https://evcp.example.com/p/st-1-p01');
    expect(page.dom.textContent).toContain('st-1-p01');
    expect(page.dom.textContent).toContain('¥1.90');
    const limit = page.querySelector('#limit');
    await tap(limit, '.mode-amount');
    await type(limit, '.limit-input', '50');
    await tap(page, '#start');
    expect(fake.api.last('POST', '/sessions').data).toEqual({ pileCode: 'st-1-p01', reserve: false, limits: { maxAmountFen: 5000 }, paymentMode: 'wallet' });
    expect(fake.navigations).toEqual([{ kind: 'navigateTo', url: '/pages/charging/progress/index?id=new-session' }]);
  });

  it('lets me pay with WeChat Pay Score when the operator offers it and I enabled it', async () => {
    fake.api.on('GET /sessions/payment-modes', () => ({ paymentModes: ['wallet', 'payscore'], payscoreEnabled: true }));
    await scan('st-1-p01');
    expect(page.dom.textContent).toContain('微信支付分');
    await tap(page, '#pay-payscore');
    await tap(page, '#start');
    expect(fake.api.last('POST', '/sessions').data).toMatchObject({ pileCode: 'st-1-p01', paymentMode: 'payscore' });
  });

  it('offers to enable WeChat Pay Score when I have not: opens its mini-program with the token, and reads the state again when I return', async () => {
    let enabled = false;
    fake.api
      .on('GET /sessions/payment-modes', () => ({ paymentModes: ['wallet', 'payscore'], payscoreEnabled: enabled }))
      .on('POST /payments/payscore/authorization', () => ({ applyPermissionsToken: 'token-1' }));
    await scan('st-1-p01');
    expect(page.querySelector('#pay-payscore')).toBeFalsy();
    await tap(page, '#payscore-enable');
    expect(fake.miniPrograms).toEqual([expect.objectContaining({ appId: 'wxd8f3793ea3b935b8', path: 'pages/use/enable', extraData: { apply_permissions_token: 'token-1' } })]);
    enabled = true;
    page.instance.onShow();
    await settle();
    await tap(page, '#pay-payscore');
    await tap(page, '#start');
    expect(fake.api.last('POST', '/sessions').data).toMatchObject({ paymentMode: 'payscore' });
  });

  it('falls back to the wallet when the platform says I have not enabled WeChat Pay Score', async () => {
    fake.api
      .on('GET /sessions/payment-modes', () => ({ paymentModes: ['wallet', 'payscore'], payscoreEnabled: true }))
      .fail('POST /sessions', 402, 'PAYSCORE_NOT_ENABLED', '请先开通微信支付分');
    await scan('st-1-p01');
    await tap(page, '#pay-payscore');
    await tap(page, '#start');
    expect(page.instance.data.paymentMode).toBe('wallet');
    expect(page.querySelector('#payscore-enable')).toBeTruthy();
  });

  it('offers no choice of payment when only the wallet is offered', async () => {
    fake.api.on('GET /sessions/payment-modes', () => ({ paymentModes: ['wallet'] }));
    await scan('st-1-p01');
    expect(page.querySelector('#pay-payscore')).toBeFalsy();
    await tap(page, '#start');
    expect(fake.api.last('POST', '/sessions').data).toMatchObject({ paymentMode: 'wallet' });
  });

  it('asks me to allow the bill message when I tap start, and starts whatever I answer', async () => {
    const config = require('../../config/index');
    config.billTemplateId = 'bill-template-0123456789';
    try {
      fake.subscriptionAnswer = 'reject';
      await scan('st-1-p01');
      await tap(page, '#start');
      expect(fake.subscriptionRequests.map((r) => r.tmplIds)).toEqual([['bill-template-0123456789']]);
      expect(fake.api.count('POST', '/sessions')).toBe(1);
    } finally {
      config.billTemplateId = '';
    }
  });

  it('does not ask about the bill message when no template is configured', async () => {
    await scan('st-1-p01');
    await tap(page, '#start');
    expect(fake.subscriptionRequests).toEqual([]);
    expect(fake.api.count('POST', '/sessions')).toBe(1);
  });

  it('sends the same idempotency key when I tap start again after a failure', async () => {
    await scan('st-1-p01');
    fake.api.fail('POST /sessions', 502, 'UPSTREAM_FAILED', 'try again');
    await tap(page, '#start');
    fake.api.on('POST /sessions', () => ({ sessionId: 'new-session', status: 'STARTING' }));
    await tap(page, '#start');
    const keys = fake.api.requests.filter((r) => r.path === '/sessions').map((r) => r.header['Idempotency-Key']);
    expect(keys).toHaveLength(2);
    expect(keys[1]).toBe(keys[0]);
  });

  it('tells me what is wrong with the limit instead of starting', async () => {
    await scan('st-1-p01');
    const limit = page.querySelector('#limit');
    await tap(limit, '.mode-energy');
    await type(limit, '.limit-input', '0.5');
    await tap(page, '#start');
    expect(fake.api.count('POST', '/sessions')).toBe(0);
    expect(limit.dom.textContent).toContain('至少 1 度');
  });

  it('starts my reservation when I scan the pile I reserved', async () => {
    active = [{ sessionId: 'reserved-session', status: 'RESERVED', reservedUntil: new Date(Date.now() + 600000).toISOString(), station: { name: 'Riverside Hub', address: '' }, pile: { code: 'st-1-p01' } }];
    await scan('st-1-p01');
    expect(page.dom.textContent).toContain('你已预约此桩');
    await tap(page, '#start');
    expect(fake.api.count('POST', '/sessions/reserved-session/start')).toBe(1);
    expect(fake.api.count('POST', '/sessions')).toBe(0);
    expect(fake.navigations).toEqual([{ kind: 'navigateTo', url: '/pages/charging/progress/index?id=reserved-session' }]);
  });

  it('will not start on a pile in fault', async () => {
    await scan('st-1-broken');
    expect(page.dom.textContent).toContain('该桩当前不可用');
    expect(page.data.startable).toBe(false);
  });

  it("says so when the QR code is not a pile's", async () => {
    await scan('WIFI:S:cafe;;');
    expect(fake.toasts).toEqual([expect.objectContaining({ title: '这不是充电桩的二维码' })]);
    expect(page.data.stage).toBe('ready');
  });

  it('does nothing when I close the scanner', async () => {
    await scan(null);
    expect(fake.toasts).toEqual([]);
    expect(page.data.stage).toBe('ready');
  });

  it('offers the wallet when my balance is too low to start', async () => {
    fake.api.fail('POST /sessions', 402, 'INSUFFICIENT_BALANCE', 'balance too low');
    await scan('st-1-p01');
    await tap(page, '#start');
    expect(fake.modals[0]).toMatchObject({ title: '余额不足' });
    expect(fake.navigations).toEqual([{ kind: 'navigateTo', url: '/pages/wallet/index/index' }]);
  });

  it('says my account is frozen when a start is refused for it, and stays on the page when I do not write to support', async () => {
    fake.modalAnswer = false;
    fake.api.fail('POST /sessions', 403, 'ACCOUNT_FROZEN', 'your account is frozen');
    await scan('st-1-p01');
    await tap(page, '#start');
    expect(fake.modals[0]).toMatchObject({ title: '账户已冻结', confirmText: '联系客服' });
    expect(fake.modals[0].content).toContain('正在进行的充电会正常结束');
    expect(fake.navigations).toEqual([]);
    expect(fake.toasts).toEqual([]);
  });

  it('leads back to the session that is charging', async () => {
    active = [{ sessionId: 'charging-1', status: 'CHARGING', station: { name: 'Riverside Hub' }, pile: { code: 'st-1-p01' } }];
    page.instance.onShow();
    await settle();
    await tap(page, '#charging-banner');
    expect(fake.navigations).toEqual([{ kind: 'navigateTo', url: '/pages/charging/progress/index?id=charging-1' }]);
  });
});
