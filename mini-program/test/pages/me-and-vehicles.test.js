const { installFakeWx } = require('../support/fake-wx');
const { renderPage, settle, tap, type } = require('../support/render');


describe('the Me page', () => {
  let fake;
  let page;

  beforeEach(async () => {
    fake = installFakeWx();
    fake.api
      .on('GET /me', () => ({ id: 'u1', name: '李雷', role: 'driver', wechatLinked: true }))
      .on('GET /wallet', () => ({ balanceFen: 12345, heldFen: 0 }))
      .on('GET /me/active-sessions', () => ({ sessions: [{ sessionId: 'r1', status: 'RESERVED' }] }))
      .on('PATCH /me', (request) => ({ user: { id: 'u1', name: request.data.name, role: 'driver' }, token: 'renamed-token' }));
    page = renderPage('pages/me');
    await page.instance.onShow();
    await settle();
  });

  it('shows my name, balance and how many reservations I have', () => {
    const text = page.dom.textContent;
    expect(text).toContain('李雷');
    expect(text).toContain('123.45');
    expect(page.querySelector('.badge').dom.textContent).toBe('1');
  });

  it('renames me and keeps the fresh token the API hands back', async () => {
    fake.modalAnswer = { confirm: true, content: ' 韩梅梅 ' };
    await tap(page, '#rename');
    expect(fake.api.last('PATCH', '/me').data).toEqual({ name: '韩梅梅' });
    expect(page.data.profile.name).toBe('韩梅梅');
    expect(require('../../utils/auth').currentSession().token).toBe('renamed-token');
  });
});

describe('adding a vehicle', () => {
  let fake;
  let page;

  beforeEach(async () => {
    fake = installFakeWx();
    fake.api
      .on('GET /vehicles', () => ({ vehicles: [], connectorTypes: ['GB/T', 'CCS2'] }))
      .on('POST /vehicles', (request) => ({ status: 201, body: Object.assign({ id: 'v1' }, request.data) }));
    page = renderPage('pages/user/vehicle-edit');
    await page.instance.onLoad({});
    await settle();
  });

  it('sends the plate, model and connector, then goes back', async () => {
    await type(page, '#plate', '沪AD12345');
    await type(page, '#model', 'BYD Han EV');
    page.instance.onPickConnector({ detail: { value: '1' } });
    await tap(page, '#save');
    expect(fake.api.last('POST', '/vehicles').data).toEqual({ plate: '沪AD12345', model: 'BYD Han EV', connectorType: 'CCS2' });
    expect(fake.navigations).toEqual([{ kind: 'navigateBack', url: undefined }]);
  });

  it('shows the API\'s complaint under the field it names', async () => {
    fake.api.fail('POST /vehicles', 400, 'VALIDATION_FAILED', 'plate: expected a plate like 沪A12345', 'plate');
    await type(page, '#plate', 'ABC');
    await tap(page, '#save');
    expect(page.querySelector('.field-error').dom.textContent).toContain('expected a plate');
    expect(fake.navigations).toEqual([]);
  });
});
