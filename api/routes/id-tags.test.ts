import fc from 'fast-check';
import { IdTags } from '../../db/id-tags';
import { ocppIdTag } from '../../device-protocol/ocpp';
import { startTestApi, type TestApi } from '../../test/support/api-harness';
import { uniqueId } from '../../test/support/services';

describe('RFID cards mapped to drivers by staff', () => {
  let t: TestApi;
  let operator: string;
  let support: string;
  let driverId: string;
  const auth = (token: string) => ({ Authorization: `Bearer ${token}` });
  const aTag = () => `RF-${uniqueId('t').slice(-12)}`;
  const auditOf = async (target: string) => (await t.db.models.AuditEntry.findAll({ where: { target }, order: [['id', 'ASC']] })).map((r) => [r.action, r.result, r.reason]);

  beforeAll(async () => {
    t = await startTestApi();
    operator = (await t.staffLogin(uniqueId('op'), 'operator')).token;
    support = (await t.staffLogin(uniqueId('sup'), 'support')).token;
    driverId = (await t.login(uniqueId('driver'))).userId;
  });
  afterAll(() => t.stop());

  it('maps a card to a driver, blocks it, and audits both', async () => {
    const idTag = aTag();
    const created = await t.http.post('/api/v1/admin/id-tags').set(auth(operator)).send({ idTag, userId: driverId, reason: 'card handed out' }).expect(201);
    expect(created.body.idTag).toMatchObject({ idTag: idTag.toUpperCase(), userId: driverId, status: 'active' });
    const cards = new IdTags(t.db);
    // OCPP id tags are case-insensitive: the charger may send it in any case.
    expect(await cards.lookup(idTag.toLowerCase())).toEqual({ userId: driverId, status: 'active' });

    await t.http.patch(`/api/v1/admin/id-tags/${idTag}`).set(auth(operator)).send({ status: 'blocked', reason: 'card reported lost' }).expect(200);
    expect(await cards.lookup(idTag)).toEqual({ userId: driverId, status: 'blocked' });
    const listed = await t.http.get(`/api/v1/admin/id-tags?userId=${driverId}`).set(auth(support)).expect(200);
    expect(listed.body.idTags).toEqual(expect.arrayContaining([expect.objectContaining({ idTag: idTag.toUpperCase(), status: 'blocked' })]));
    expect(await auditOf(`id_tag:${idTag.toUpperCase()}`)).toEqual([
      ['id_tag.create', 'ok', 'card handed out'],
      ['id_tag.block', 'ok', 'card reported lost'],
    ]);
  });

  it('refuses a card mapped already (in any case), for someone who is no driver, or posing as a session’s tag', async () => {
    const idTag = aTag();
    await t.http.post('/api/v1/admin/id-tags').set(auth(operator)).send({ idTag, userId: driverId, reason: 'first card' }).expect(201);
    const again = await t.http.post('/api/v1/admin/id-tags').set(auth(operator)).send({ idTag: idTag.toLowerCase(), userId: driverId, reason: 'second card' }).expect(409);
    expect(again.body.error).toMatchObject({ code: 'CONFLICT', field: 'idTag' });
    const staffId = (await t.staffLogin(uniqueId('staff'), 'operator')).userId;
    const notDriver = await t.http.post('/api/v1/admin/id-tags').set(auth(operator)).send({ idTag: aTag(), userId: staffId, reason: 'wrong person' }).expect(404);
    expect(notDriver.body.error).toMatchObject({ field: 'userId' });
    const posing = await t.http.post('/api/v1/admin/id-tags').set(auth(operator)).send({ idTag: ocppIdTag('some-session'), userId: driverId, reason: 'sneaky' }).expect(400);
    expect(posing.body.error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'idTag' });
  });

  it('lets support read cards but not map them', async () => {
    await t.http.post('/api/v1/admin/id-tags').set(auth(support)).send({ idTag: aTag(), userId: driverId, reason: 'not my job' }).expect(403);
  });

  it('answers any id tag with a mapped card or a 400 naming the field, never a server error', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 30 }), async (idTag) => {
        const answer = await t.http.post('/api/v1/admin/id-tags').set(auth(operator)).send({ idTag, userId: driverId, reason: 'generated' });
        if (answer.status === 201) expect(/^[\x21-\x7e]{1,20}$/.test(idTag)).toBe(true);
        else expect([[400, 'idTag'], [409, 'idTag']]).toContainEqual([answer.status, answer.body.error.field]);
      }),
      { numRuns: 60 },
    );
  });
});
