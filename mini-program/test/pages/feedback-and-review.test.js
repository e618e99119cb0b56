const { installFakeWx } = require('../support/fake-wx');
const { renderPage, settle, tap, type } = require('../support/render');

const anItem = (overrides = {}) => ({
  id: 'f1',
  kind: 'complaint',
  status: 'replied',
  content: 'Cable damaged at pile 3',
  createdAt: '2030-01-01T02:00:00Z',
  replies: [{ id: 1, from: 'support', content: 'A technician is on the way', createdAt: '2030-01-01T03:00:00Z' }],
  ...overrides,
});

describe('a complaint', () => {
  let fake;
  let page;

  beforeEach(async () => {
    fake = installFakeWx();
    fake.api
      .on('GET /feedback/f1', () => anItem())
      .on('POST /feedback/f1/replies', (request) =>
        anItem({ status: 'open', replies: anItem().replies.concat({ id: 2, from: 'driver', content: request.data.content, createdAt: '2030-01-01T04:00:00Z' }) }),
      )
      .on('POST /feedback/f1/close', () => anItem({ status: 'closed' }));
    page = renderPage('pages/user/feedback-detail');
    await page.instance.onLoad({ id: 'f1' });
    await settle();
  });

  it("shows its status and support's reply", () => {
    expect(page.dom.textContent).toContain('已回复');
    expect(page.dom.textContent).toContain('A technician is on the way');
  });

  it('sends my follow-up, which reopens it', async () => {
    await type(page, '.follow-up', 'Still broken');
    await tap(page, '#send');
    expect(fake.api.last('POST', '/feedback/f1/replies').data).toEqual({ content: 'Still broken' });
    expect(page.dom.textContent).toContain('待回复');
    expect(page.dom.textContent).toContain('Still broken');
  });

  it('closes it after I confirm, and takes no more follow-ups', async () => {
    await tap(page, '#close');
    expect(page.dom.textContent).toContain('已关闭');
    expect(page.querySelector('#send')).toBeUndefined();
  });
});

describe('a new complaint from an order', () => {
  it('is about that order and its station', async () => {
    const fake = installFakeWx();
    fake.api.on('POST /feedback', (request) => ({ status: 201, body: anItem(request.data) }));
    const page = renderPage('pages/user/feedback-new');
    page.instance.onLoad({ sessionId: 's1', stationId: 'st-1' });
    await type(page, '.content', 'Charged twice');
    await tap(page, '#submit');
    expect(fake.api.last('POST', '/feedback').data).toEqual({ kind: 'complaint', content: 'Charged twice', stationId: 'st-1', sessionId: 's1' });
  });
});

describe('reviewing a session', () => {
  let fake;
  let page;

  beforeEach(() => {
    fake = installFakeWx();
    fake.api.on('POST /reviews', (request) => ({ status: 201, body: Object.assign({ id: 'r1' }, request.data) }));
    page = renderPage('pages/user/review');
    page.instance.onLoad({ sessionId: 's1' });
  });

  it('sends my stars and words', async () => {
    const stars = page.querySelector('#stars');
    await tap(stars, stars.querySelectorAll('.star')[3]);
    await type(page, '.text', ' Fast, clean bays ');
    await tap(page, '#submit');
    expect(fake.api.last('POST', '/reviews').data).toEqual({ sessionId: 's1', stars: 4, text: 'Fast, clean bays' });
    expect(fake.navigations).toEqual([{ kind: 'navigateBack', url: undefined }]);
  });

  it('asks for stars before sending', async () => {
    await tap(page, '#submit');
    expect(fake.api.count('POST', '/reviews')).toBe(0);
    expect(page.dom.textContent).toContain('请先打分');
  });

  it('says why the API refused, e.g. a session already reviewed', async () => {
    fake.api.fail('POST /reviews', 409, 'SESSION_STATE_CONFLICT', 'this session is already reviewed; edit that review instead');
    const stars = page.querySelector('#stars');
    await tap(stars, stars.querySelectorAll('.star')[4]);
    await tap(page, '#submit');
    expect(fake.toasts[0].title).toContain('already reviewed');
  });
});
