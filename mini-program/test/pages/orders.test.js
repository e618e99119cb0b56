const { installFakeWx } = require('../support/fake-wx');
const { renderPage, settle, tap } = require('../support/render');
const { anOrder, aBill } = require('../support/api-bodies');

describe('the Orders page', () => {
  let fake;
  let page;

  beforeEach(() => {
    fake = installFakeWx();
    fake.api
      .on('GET /orders', (request) =>
        request.query.before
          ? { orders: [anOrder({ id: 'old', station: { id: 's', name: 'Old Town', address: '' } })], nextBefore: null }
          : { orders: [anOrder(), anOrder({ id: 'pending', status: 'payment_pending', paidFen: 0 })], nextBefore: '2030-01-01T00:00:00.000Z' },
      );
    page = renderPage('pages/orders');
  });

  it('lists my orders with station, energy, total and whether they are paid', async () => {
    page.instance.onShow();
    await settle();
    const text = page.dom.textContent;
    expect(text).toContain('Riverside Hub');
    expect(text).toContain('12.00');
    expect(text).toContain('¥22.80');
    expect(text).toContain('已支付');
    expect(text).toContain('待结算');
  });

  it('loads the next page from where the last one ended when I scroll to the bottom', async () => {
    page.instance.onShow();
    await settle();
    page.instance.onReachBottom();
    await settle();
    expect(fake.api.last('GET', '/orders').query.before).toBe('2030-01-01T00:00:00.000Z');
    expect(page.data.orders.map((o) => o.id)).toEqual(['session-1', 'pending', 'old']);
    page.instance.onReachBottom();
    await settle();
    expect(fake.api.count('GET', '/orders')).toBe(2);
  });

  it('invites me to find a station when I have no orders', async () => {
    fake.api.on('GET /orders', () => ({ orders: [], nextBefore: null }));
    page.instance.onShow();
    await settle();
    expect(page.dom.textContent).toContain('还没有充电订单');
  });
});

describe('an order', () => {
  let fake;
  let page;

  beforeEach(async () => {
    fake = installFakeWx();
    fake.api
      .on('GET /orders/session-1', () =>
        anOrder({
          bill: aBill(),
          review: null,
          timeline: [
            { seq: 1, from: null, to: 'AUTHORIZING', reason: 'requested', at: '2030-01-01T02:00:00.000Z' },
            { seq: 2, from: 'SETTLING', to: 'COMPLETED', reason: null, at: '2030-01-01T02:31:00.000Z' },
          ],
        }),
      );
    page = renderPage('pages/order/detail');
    await page.instance.onLoad({ id: 'session-1' });
    await settle();
  });

  it('shows its bill and its timeline', () => {
    const text = page.dom.textContent.replace(/\s+/g, '');
    expect(text).toContain('peak·¥1.90');
    expect(text).toContain('实付¥22.80');
    expect(text).toContain('预授权中');
    expect(text).toContain('已完成');
  });

  it('shows no refund line while the order was not refunded', () => {
    expect(page.querySelector('#review-refund')).toBeFalsy();
  });

  it('shows what staff refunded after reviewing the order', async () => {
    fake.api.on('GET /orders/session-1', () => anOrder({ bill: aBill(), review: null, timeline: [], reviewRefundFen: 1200, reviewRefundedAt: '2030-01-02T03:00:00.000Z' }));
    await page.instance.load();
    await settle();
    expect(page.querySelector('#review-refund').dom.textContent.replace(/\s+/g, '')).toContain('已退款¥12.00');
    expect(page.querySelector('#review-refund').dom.textContent).toContain('退回余额');
  });

  it('says a refund of an order paid with WeChat Pay Score goes back to WeChat Pay', async () => {
    fake.api.on('GET /orders/session-1', () => anOrder({ bill: aBill(), review: null, timeline: [], paymentMode: 'payscore', reviewRefundFen: 1200, reviewRefundedAt: '2030-01-02T03:00:00.000Z' }));
    await page.instance.load();
    await settle();
    expect(page.querySelector('#review-refund').dom.textContent).toContain('退回微信支付');
  });

  it('invites a review of a paid order I have not reviewed', async () => {
    await tap(page, '#review');
    expect(fake.navigations).toEqual([{ kind: 'navigateTo', url: '/pages/user/review/index?sessionId=session-1' }]);
  });
});
