const { installFakeWx } = require('../support/fake-wx');
const { renderPage, settle, tap } = require('../support/render');
const { aStation } = require('../support/api-bodies');

describe('the station page', () => {
  let fake;
  let page;

  beforeEach(async () => {
    fake = installFakeWx();
    fake.api
      .on('GET /stations/st-1', () => aStation())
      .on('GET /stations/st-1/reviews', () => ({ stationId: 'st-1', count: 2, averageStars: 4.5, reviews: [{ id: 'r1', stars: 5, text: 'Quick and clean', author: 'A**', createdAt: '2030-01-01T02:00:00Z' }] }))
      .on('GET /favourites', () => ({ stations: [] }))
      .on('PUT /favourites/st-1', () => ({ stationId: 'st-1', favourite: true }));
    page = renderPage('pages/station/detail');
    await page.instance.onLoad({ id: 'st-1' });
    await settle();
  });

  afterEach(() => page.instance.onUnload());

  const pileStatuses = () => page.querySelectorAll('.pile-status').map((tag) => tag.dom.textContent.trim());

  it('shows the piles with their status, power and type, and the reviews', async () => {
    expect(pileStatuses()).toEqual(['空闲', '充电中']);
    const text = page.dom.textContent;
    expect(text).toContain('快充 · 60kW · GB/T');
    expect(text).toContain('Quick and clean');
    expect(text).toContain('4.5 · 2 条');
  });

  it("updates a pile's status as the station's live feed reports it", async () => {
    fake.sockets[0].open();
    expect(fake.sockets[0].sent).toEqual([{ type: 'subscribe', stationId: 'st-1' }]);
    fake.sockets[0].receive({ type: 'pile.status', stationId: 'st-1', pileId: 'st-1-p01', status: 'fault', at: '2030-01-01T02:00:00.000Z' });
    await settle();
    expect(pileStatuses()).toEqual(['故障', '充电中']);
  });

  it('adds the station to my favourites', async () => {
    await tap(page, '#favourite');
    expect(fake.api.count('PUT', '/favourites/st-1')).toBe(1);
    expect(page.data.favourite).toBe(true);
  });

  it('turns the favourite toggle back when the API refuses', async () => {
    fake.api.fail('PUT /favourites/st-1', 404, 'NOT_FOUND', 'no station st-1');
    await tap(page, '#favourite');
    expect(page.data.favourite).toBe(false);
    expect(fake.toasts[0].title).toBe('no station st-1');
  });

  it('reserves an idle pile after I confirm, then shows my reservations', async () => {
    fake.api.on('POST /sessions', () => ({ sessionId: 's-9', status: 'RESERVED' }));
    await tap(page, '.reserve');
    expect(fake.api.last('POST', '/sessions').data).toEqual({ pileCode: 'st-1-p01', reserve: true, limits: {}, paymentMode: 'wallet' });
    expect(fake.api.last('POST', '/sessions').header['Idempotency-Key']).toEqual(expect.any(String));
    expect(fake.navigations).toEqual([{ kind: 'navigateTo', url: '/pages/user/reservations/index' }]);
  });

  it('offers the wallet when my balance is too low to reserve', async () => {
    fake.api.fail('POST /sessions', 402, 'INSUFFICIENT_BALANCE', 'top up at least 10.00 yuan');
    await tap(page, '.reserve');
    expect(fake.modals[1]).toMatchObject({ title: '余额不足', content: 'top up at least 10.00 yuan' });
    expect(fake.navigations).toEqual([{ kind: 'navigateTo', url: '/pages/wallet/index/index' }]);
  });
});
