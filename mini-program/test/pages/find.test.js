const { installFakeWx } = require('../support/fake-wx');
const { renderPage, settle, tap } = require('../support/render');
const { aStation, aPile } = require('../support/api-bodies');

describe('the Find page', () => {
  let fake;
  let page;

  beforeEach(async () => {
    fake = installFakeWx();
    fake.api.on('GET /stations', (request) =>
      request.query.type === 'fast'
        ? { stations: [aStation({ id: 'fast-1', name: 'Fast Lane' })] }
        : { stations: [aStation(), aStation({ id: 'st-2', name: 'Hilltop', distanceM: 2400, piles: [aPile({ status: 'fault' })] })] },
    );
    page = renderPage('pages/find');
  });

  const cards = () => page.querySelectorAll('.station-item');
  const names = () => cards().map((card) => card.querySelector('.station-name').dom.textContent.trim());
  const load = async () => {
    await page.instance.onLoad({});
    await settle();
  };

  it('lists the stations around me, nearest first, with distance and price', async () => {
    await load();
    expect(fake.api.last('GET', '/stations').query).toEqual({ lat: '31.2304', lng: '121.4737', radiusKm: '10' });
    expect(names()).toEqual(['Riverside Hub', 'Hilltop']);
    expect(page.dom.textContent).toContain('2.4km');
  });

  it('searches again for fast piles when I pick 快充', async () => {
    await load();
    await tap(page, '#type-fast');
    expect(fake.api.last('GET', '/stations').query.type).toBe('fast');
    expect(names()).toEqual(['Fast Lane']);
  });

  it('asks only for stations with an idle pile when I tick 只看空闲', async () => {
    await load();
    await tap(page, '#available-only');
    expect(fake.api.last('GET', '/stations').query.available).toBe('true');
  });

  it('shows every station, without distance, when I refuse location', async () => {
    fake.location = null;
    await load();
    expect(fake.api.last('GET', '/stations').query).toEqual({});
    expect(page.dom.textContent).toContain('未获得定位权限');
  });

  it('puts a marker per station on the map, coloured by availability', async () => {
    await load();
    await tap(page, '#switch-view');
    expect(page.data.markers.map((m) => m.iconPath)).toEqual(['/assets/markers/available.png', '/assets/markers/unavailable.png']);
    page.instance.onMarkerTap({ detail: { markerId: 1 } });
    await settle();
    expect(names()).toEqual(['Hilltop']);
  });

  it('hands navigation to the phone\'s map app', async () => {
    await load();
    await tap(cards()[0], '.nav-button');
    expect(fake.openedLocations).toEqual([expect.objectContaining({ latitude: 31.2331, longitude: 121.4737, name: 'Riverside Hub' })]);
  });

  it('opens the station page when I tap a station', async () => {
    await load();
    await tap(cards()[0], '.station-card');
    expect(fake.navigations).toEqual([{ kind: 'navigateTo', url: '/pages/station/detail/index?id=st-1' }]);
  });

  it("tells me what went wrong and offers a retry when the API can't answer", async () => {
    fake.online = false;
    await load();
    expect(fake.toasts[0].title).toContain('网络不可用');
    expect(page.dom.textContent).toContain('重试');
  });
});
