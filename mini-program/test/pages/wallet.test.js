const { installFakeWx } = require('../support/fake-wx');
const { renderPage, settle, tap, type } = require('../support/render');

const WECHAT_PAY = { timeStamp: '1700000000', nonceStr: 'n0nce', package: 'prepay_id=wx123', signType: 'RSA', paySign: 'c2lnbg==' };

describe('the wallet', () => {
  let fake;
  let page;
  let balanceFen;
  let withdrawals;

  beforeEach(async () => {
    fake = installFakeWx();
    balanceFen = 1000;
    withdrawals = [];
    fake.api
      .on('GET /wallet', () => ({ balanceFen, heldFen: 500 }))
      .on('GET /wallet/transactions', () => ({ transactions: [{ id: 1, kind: 'top_up', amountFen: 1000, balanceAfterFen: 1000, heldAfterFen: 0, sessionId: null, at: '2030-01-01T02:00:00Z' }] }))
      .on('GET /wallet/withdrawals', () => ({ withdrawals }))
      .on('POST /wallet/withdrawals', (request) => {
        const withdrawal = { id: 'w1', amountFen: request.data.amountFen, createdAt: '2030-01-01T03:00:00Z', refunds: [{ outRefundNo: 'rf1', amountFen: request.data.amountFen, status: 'processing', settledAt: null }] };
        withdrawals = [withdrawal];
        balanceFen -= request.data.amountFen;
        return { withdrawal, wallet: { balanceFen, heldFen: 0 } };
      })
      .on('POST /wallet/top-ups', (request) => {
        balanceFen += request.data.amountFen;
        return { topUp: { id: 't1', amountFen: request.data.amountFen, status: 'succeeded', provider: 'sandbox' }, wallet: { balanceFen, heldFen: 0 } };
      });
    page = renderPage('pages/wallet/index');
    await page.instance.onLoad();
    await settle();
  });

  it('shows my balance, what is held and my transactions', () => {
    const text = page.dom.textContent;
    expect(text).toContain('10.00');
    expect(text).toContain('充电预授权中 ¥5.00');
    expect(text).toContain('充值');
    expect(text).toContain('+10.00');
  });

  it("shows an order's refund after review as money coming in", async () => {
    fake.api.on('GET /wallet/transactions', () => ({ transactions: [{ id: 2, kind: 'order_refund', amountFen: 1200, balanceAfterFen: 2200, heldAfterFen: 0, sessionId: 'session-1', at: '2030-01-02T03:00:00Z' }] }));
    page = renderPage('pages/wallet/index');
    await page.instance.onLoad();
    await settle();
    expect(page.dom.textContent).toContain('订单退款');
    expect(page.dom.textContent).toContain('+12.00');
  });

  it('tops up with the sandbox provider without opening WeChat Pay', async () => {
    await tap(page, '#top-up');
    expect(fake.api.last('POST', '/wallet/top-ups').data).toEqual({ amountFen: 5000 });
    expect(fake.payments).toEqual([]);
    expect(fake.toasts[0].title).toBe('充值成功');
    expect(page.dom.textContent).toContain('60.00');
  });

  it('says my account is frozen when a top-up is refused for it, and offers to write to support', async () => {
    fake.api.fail('POST /wallet/top-ups', 403, 'ACCOUNT_FROZEN', 'your account is frozen');
    await tap(page, '#top-up');
    expect(fake.modals[0]).toMatchObject({ title: '账户已冻结', confirmText: '联系客服' });
    expect(fake.modals[0].content).toContain('不能充电、预约或充值');
    expect(fake.navigations).toEqual([{ kind: 'navigateTo', url: '/pages/user/feedback-new/index' }]);
    expect(page.dom.textContent).toContain('10.00');
  });

  it('opens WeChat Pay with the parameters the API returns', async () => {
    fake.api.on('POST /wallet/top-ups', () => ({ topUp: { id: 't2', status: 'pending', provider: 'wechatpay' }, payment: WECHAT_PAY }));
    await type(page, '.field-input', '88.8');
    await tap(page, '#top-up');
    expect(fake.api.last('POST', '/wallet/top-ups').data).toEqual({ amountFen: 8880 });
    expect(fake.payments).toEqual([expect.objectContaining(WECHAT_PAY)]);
    expect(fake.toasts[0].title).toBe('充值成功');
  });

  it('says the payment was cancelled when I close WeChat Pay', async () => {
    fake.api.on('POST /wallet/top-ups', () => ({ topUp: { id: 't3', status: 'pending', provider: 'wechatpay' }, payment: WECHAT_PAY }));
    fake.paymentOutcome = 'cancel';
    await tap(page, '#top-up');
    expect(fake.toasts[0].title).toBe('已取消支付');
  });

  it('refuses an amount that is not one, without calling the API', async () => {
    await type(page, '.field-input', '12.345');
    await tap(page, '#top-up');
    expect(fake.api.count('POST', '/wallet/top-ups')).toBe(0);
    expect(page.dom.textContent).toContain('请输入 1 到 10000 元之间的金额');
  });

  it('sends my whole balance back to WeChat Pay once I confirm, and shows the refund in progress', async () => {
    await tap(page, '#withdraw');
    expect(fake.modals[0].content).toContain('¥10.00');
    expect(fake.api.last('POST', '/wallet/withdrawals').data).toEqual({ amountFen: 1000 });
    expect(fake.api.last('POST', '/wallet/withdrawals').header['Idempotency-Key']).toBeTruthy();
    expect(fake.toasts[0].title).toBe('退款已提交');
    expect(page.dom.textContent).toContain('退款中');
  });

  it('withdraws nothing when I change my mind', async () => {
    fake.modalAnswer = false;
    await tap(page, '#withdraw');
    expect(fake.api.count('POST', '/wallet/withdrawals')).toBe(0);
  });
});
