import { FleetCatalogue } from '../../db/fleet-catalogue';
import { startTestApi, type TestApi } from '../../test/support/api-harness';
import { aTariff } from '../../test/support/builders';
import { uniqueId } from '../../test/support/services';

describe('alarms and on-call lists in the operator console', () => {
  let t: TestApi;
  let admin: string;
  let operator: string;
  let operatorId: string;
  let support: string;
  let stationId: string;
  let pileId: string;
  let tariffId: string;
  const T0 = new Date('2026-03-02T02:00:00Z');
  const as = (auth: string) => ({
    get: (path: string) => t.http.get(`/api/v1/admin${path}`).set('Authorization', auth),
    post: (path: string, body: object = {}) => t.http.post(`/api/v1/admin${path}`).set('Authorization', auth).send(body),
    put: (path: string, body: object = {}) => t.http.put(`/api/v1/admin${path}`).set('Authorization', auth).send(body),
    patch: (path: string, body: object = {}) => t.http.patch(`/api/v1/admin${path}`).set('Authorization', auth).send(body),
  });
  const auditOf = async (target: string) => (await t.db.models.AuditEntry.findAll({ where: { target }, order: [['id', 'ASC']] })).map((r) => ({ action: r.action, reason: r.reason, result: r.result }));

  /** A fresh fault alarm on the test pile's own new pile; its id. */
  async function anAlarm(): Promise<number> {
    const id = uniqueId('pile');
    await new FleetCatalogue(t.db).addPiles([{ id, code: `${id}-code`, stationId, type: 'fast', maxPowerW: 60_000, connectorType: 'GB/T' }]);
    await t.deps.alarms.raise(id, 'fault', 'E42', 'over temperature', T0);
    return (await t.deps.alarms.ofPile(id))[0].id;
  }

  beforeAll(async () => {
    t = await startTestApi();
    admin = `Bearer ${(await t.staffLogin(uniqueId('admin'), 'admin')).token}`;
    const op = await t.staffLogin(uniqueId('op'), 'operator');
    operator = `Bearer ${op.token}`;
    operatorId = op.userId;
    support = `Bearer ${(await t.staffLogin(uniqueId('support'), 'support')).token}`;
    const catalogue = new FleetCatalogue(t.db);
    const tariff = aTariff({ id: uniqueId('tariff') });
    await catalogue.addTariff(tariff);
    tariffId = tariff.id;
    stationId = uniqueId('station');
    await catalogue.addStations([{ id: stationId, name: 'Alarm test', address: 'x', lat: 31.2, lng: 121.5, openingHours: '24h', tariffId: tariff.id }]);
    pileId = `${stationId}-p1`;
    await catalogue.addPiles([{ id: pileId, code: 'P-0001', stationId, type: 'fast', maxPowerW: 120_000, connectorType: 'GB/T' }]);
  });
  afterAll(() => t.stop());

  it('lists an open alarm with its pile code, station and one occurrence per fold', async () => {
    await t.deps.alarms.raise(pileId, 'offline', 'DISCONNECTED', 'pile disconnected', T0);
    await t.deps.alarms.raise(pileId, 'offline', 'DISCONNECTED', 'pile disconnected', new Date(T0.getTime() + 1000));
    const { body } = await as(support).get(`/alarms?pile=P-0001`).expect(200);
    expect(body.alarms).toEqual([
      expect.objectContaining({ pileId, pileCode: 'P-0001', stationId, kind: 'offline', code: 'DISCONNECTED', state: 'open', occurrences: 2, escalationLevel: 0, assignee: null, acknowledgedBy: null }),
    ]);
  });

  it('refuses drivers the alarm list', async () => {
    const { token } = await t.login(uniqueId('driver'));
    await as(`Bearer ${token}`).get('/alarms').expect(403);
  });

  it('lets support read but not acknowledge', async () => {
    const id = await anAlarm();
    await as(support).get(`/alarms/${id}`).expect(200);
    const { body } = await as(support).post(`/alarms/${id}/acknowledge`).expect(403);
    expect(body.error.code).toBe('FORBIDDEN');
  });

  it('acknowledges an open alarm once, audited, and shows who did it in the history', async () => {
    const id = await anAlarm();
    const { body } = await as(operator).post(`/alarms/${id}/acknowledge`, { note: 'on my way' }).expect(200);
    expect(body.alarm).toMatchObject({ id, state: 'acknowledged', acknowledgedBy: { id: operatorId } });
    const again = await as(operator).post(`/alarms/${id}/acknowledge`).expect(409);
    expect(again.body.error.code).toBe('CONFLICT');
    const detail = await as(support).get(`/alarms/${id}`).expect(200);
    expect(detail.body.history.map((h: { action: string }) => h.action)).toEqual(['raised', 'acknowledged']);
    expect(detail.body.history[1]).toMatchObject({ actor: { id: operatorId, role: 'operator' }, detail: 'on my way' });
    expect(await auditOf(`alarm:${id}`)).toEqual([
      { action: 'alarm.acknowledge', reason: 'on my way', result: 'ok' },
      { action: 'alarm.acknowledge', reason: null, result: 'CONFLICT' },
    ]);
  });

  it('assigns, takes notes and resolves; a resolved alarm leaves the default list and takes no more notes', async () => {
    const id = await anAlarm();
    await as(operator).post(`/alarms/${id}/assign`, { staffId: operatorId, note: 'yours' }).expect(200);
    await as(operator).post(`/alarms/${id}/notes`, { note: 'replaced the fuse' }).expect(200);
    const { body } = await as(admin).post(`/alarms/${id}/resolve`, { note: 'fixed on site' }).expect(200);
    expect(body.alarm).toMatchObject({ state: 'resolved', assignee: { id: operatorId } });
    expect(body.alarm.resolvedAt).toEqual(expect.any(String));
    await as(operator).post(`/alarms/${id}/notes`, { note: 'late' }).expect(409);
    const open = await as(operator).get(`/alarms?stationId=${stationId}`).expect(200);
    expect(open.body.alarms.map((a: { id: number }) => a.id)).not.toContain(id);
    const resolved = await as(operator).get(`/alarms?state=resolved&stationId=${stationId}`).expect(200);
    expect(resolved.body.alarms.map((a: { id: number }) => a.id)).toContain(id);
    const history = (await as(operator).get(`/alarms/${id}`)).body.history.map((h: { action: string }) => h.action);
    expect(history).toEqual(['raised', 'assigned', 'note', 'resolved']);
  });

  it.each([
    ['a resolve without a note', 'resolve', {}, 'note'],
    ['an assignment to nobody known', 'assign', { staffId: 'no-such-staff' }, 'staffId'],
    ['an unknown field', 'acknowledge', { severity: 'high' }, undefined],
    ['a note too long', 'notes', { note: 'x'.repeat(1001) }, 'note'],
  ])('refuses %s with a 400', async (_name, action, body, field) => {
    const id = await anAlarm();
    const res = await as(operator).post(`/alarms/${id}/${action}`, body).expect(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    if (field) expect(res.body.error.field).toBe(field);
  });

  it('answers 404 for an alarm that does not exist and 400 for an id that is no number', async () => {
    await as(operator).get('/alarms/999999999').expect(404);
    await as(operator).get('/alarms/abc').expect(400);
  });

  it('keeps a station on-call list in the order given, with phones set by an admin', async () => {
    const first = await t.staffLogin(uniqueId('first'), 'operator');
    const second = await t.staffLogin(uniqueId('second'), 'operator');
    const patched = await as(admin).patch(`/staff/${first.userId}`, { phone: '138 0000 0001', wechatOpenId: 'oAbCdEf123456', reason: 'on-call rota' }).expect(200);
    expect(patched.body.staff).toMatchObject({ phone: '+8613800000001', wechatOpenId: 'oAbCdEf123456' });
    await as(operator).patch(`/staff/${first.userId}`, { phone: '+8613800000009', reason: 'mine' }).expect(403);
    await as(admin).patch(`/staff/${first.userId}`, { phone: '12345', reason: 'typo' }).expect(400);
    await as(operator).put(`/stations/${stationId}/on-call`, { staffIds: [second.userId, first.userId], reason: 'March rota' }).expect(200);
    const { body } = await as(support).get(`/stations/${stationId}/on-call`).expect(200);
    expect(body.staff).toEqual([
      { id: second.userId, username: expect.any(String), phone: null },
      { id: first.userId, username: expect.any(String), phone: '+8613800000001' },
    ]);
    expect(await auditOf(`station:${stationId}`)).toEqual([{ action: 'station.on-call', reason: 'March rota', result: 'ok' }]);
    expect(await auditOf(`staff:${first.userId}`)).toEqual(expect.arrayContaining([{ action: 'staff.update', reason: 'on-call rota', result: 'ok' }]));
  });

  it('keeps the on-call list of a station whose id the fleet API generated', async () => {
    const created = await t.http.post('/api/v1/admin/stations').set('Authorization', operator).send({ name: 'Generated id', address: 'x', lat: 31.2, lng: 121.5, openingHours: '24h', tariffId }).expect(201);
    const generated: string = created.body.station.id;
    expect(generated.length).toBeGreaterThan(36);

    await as(operator).put(`/stations/${generated}/on-call`, { staffIds: [operatorId], reason: 'first shift' }).expect(200);
    const { body } = await as(support).get(`/stations/${generated}/on-call`).expect(200);
    expect(body.staff.map((s: { id: string }) => s.id)).toEqual([operatorId]);
  });

  it('refuses an on-call list naming someone twice, an unknown account, or an unknown station', async () => {
    await as(operator).put(`/stations/${stationId}/on-call`, { staffIds: [operatorId, operatorId] }).expect(400);
    const unknown = await as(operator).put(`/stations/${stationId}/on-call`, { staffIds: [operatorId, 'nobody'] }).expect(400);
    expect(unknown.body.error.field).toBe('staffIds.1');
    await as(operator).put('/stations/no-such-station/on-call', { staffIds: [] }).expect(404);
    await as(support).put(`/stations/${stationId}/on-call`, { staffIds: [] }).expect(403);
  });
});
