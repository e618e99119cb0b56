import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { FleetCatalogue } from '../../db/fleet-catalogue';
import { ensureSearchAttributes } from '../../infra/temporal';
import { pileCommandWorkflowId } from '../../workflows/pile-command.messages';
import { aTariff } from '../../test/support/builders';
import { startTestApi, type TestApi } from '../../test/support/api-harness';
import { uniqueId } from '../../test/support/services';
import { createTimeSkippingEnv } from '../../test/support/temporal';

/**
 * The commands API over MariaDB, Redis and a Temporal test server without a worker: a command's workflow is
 * started (and can be looked at) but does not run, so what is checked is what the API itself does.
 */
describe('operator pile commands API', () => {
  let env: TestWorkflowEnvironment;
  let t: TestApi;
  let operator: string;
  let support: string;
  let admin: string;
  let driver: string;
  const stationId = uniqueId('cmd-station');
  const online = `${stationId}-p1`;
  const other = `${stationId}-p2`;
  const offline = `${stationId}-p3`;

  beforeAll(async () => {
    env = await createTimeSkippingEnv();
    await ensureSearchAttributes(env.client, 'default');
    t = await startTestApi({}, { TEMPORAL_TASK_QUEUE: uniqueId('commands') }, { temporal: env.client });
    const catalogue = new FleetCatalogue(t.db);
    const tariff = aTariff({ id: uniqueId('tariff') });
    await catalogue.addTariff(tariff);
    await catalogue.addStations([{ id: stationId, name: 'Commands test', address: 'x', lat: 31.2, lng: 121.5, openingHours: '24h', tariffId: tariff.id }]);
    await catalogue.addPiles([online, other, offline].map((id) => ({ id, code: id, stationId, type: 'fast', maxPowerW: 120_000, connectorType: 'GB/T' })));
    for (const pileId of [online, other]) await t.deps.live.pileReported(pileId, stationId, { state: 'idle', at: Date.now() });
    operator = `Bearer ${(await t.staffLogin(uniqueId('op'), 'operator')).token}`;
    support = `Bearer ${(await t.staffLogin(uniqueId('sup'), 'support')).token}`;
    admin = `Bearer ${(await t.staffLogin(uniqueId('adm'), 'admin')).token}`;
    driver = `Bearer ${(await t.login('commands-driver')).token}`;
  }, 120_000);

  afterAll(async () => {
    await t?.stop();
    await env?.teardown();
  });

  const send = (pile: string, body: object, auth = operator, headers: Record<string, string> = {}) =>
    t.http.post(`/api/v1/admin/piles/${pile}/commands`).set('Authorization', auth).set(headers).send(body);
  const auditOf = async (target: string) =>
    (await t.db.models.AuditEntry.findAll({ where: { target, action: 'pile.command' }, order: [['id', 'ASC']] })).map((r) => ({ reason: r.reason, result: r.result, actorRole: r.actorRole }));
  const workflowOf = (commandId: string) => env.client.workflow.getHandle(pileCommandWorkflowId(commandId)).describe();

  it('accepts a reset with 202, records it as sent, starts its workflow and audits the send', async () => {
    const commandId = randomUUID();
    const { body } = await send(online, { commandId, type: 'reset', reason: 'stuck after a fault' }).expect(202);

    expect(body.command).toMatchObject({
      commandId,
      pileCode: online,
      pileId: online,
      type: 'reset',
      params: {},
      reason: 'stuck after a fault',
      state: 'sent',
      requestedBy: { role: 'operator' },
      workflowId: `pile-command-${commandId}`,
      attempts: 0,
    });
    expect(body.command.createdAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    const workflow = await workflowOf(commandId);
    expect(workflow.type).toBe('pileCommand');
    expect(workflow.memo).toMatchObject({ type: 'reset', pileCode: online });
    expect((await t.http.get(`/api/v1/admin/commands/${commandId}`).set('Authorization', support).expect(200)).body.command.state).toBe('sent');
    expect((await auditOf(`pile:${online}`)).filter((a) => a.reason === 'reset: stuck after a fault')).toEqual([{ reason: 'reset: stuck after a fault', result: 'ok', actorRole: 'operator' }]);
  });

  it('answers the same commandId again with the same command, without a second workflow or audit entry', async () => {
    const commandId = randomUUID();
    const body = { commandId, type: 'configure', reason: 'cap the power for the grid', params: { maxPowerW: 60_000 } };
    const first = await send(other, body).expect(202);
    const run = (await workflowOf(commandId)).runId;

    const second = await send(other, body, admin).expect(202);

    expect(second.body.command).toEqual(first.body.command);
    expect((await workflowOf(commandId)).runId).toBe(run);
    expect((await auditOf(`pile:${other}`)).filter((a) => a.reason === 'configure: cap the power for the grid')).toHaveLength(1);
  });

  it('makes an Idempotency-Key the same command for the same staff member', async () => {
    const key = uniqueId('key');
    const body = { type: 'unlock', connectorId: 1, reason: 'cable stuck in the car' };
    const first = await send(online, body, operator, { 'Idempotency-Key': key }).expect(202);
    const again = await send(online, body, operator, { 'Idempotency-Key': key }).expect(202);

    expect(again.body.command.commandId).toBe(first.body.command.commandId);
    expect(first.body.command.params).toEqual({ connectorId: 1 });
  });

  it('refuses a commandId already used for another command with a 409', async () => {
    const commandId = randomUUID();
    await send(online, { commandId, type: 'reset', reason: 'first use' }).expect(202);

    const { body } = await send(online, { commandId, type: 'unlock', connectorId: 1, reason: 'second use' }).expect(409);

    expect(body.error).toMatchObject({ code: 'CONFLICT', field: 'commandId' });
  });

  it('refuses a command to an offline pile at once with 409 PILE_UNAVAILABLE, audited, and records nothing', async () => {
    const commandId = randomUUID();
    const { body } = await send(offline, { commandId, type: 'reset', reason: 'try it anyway' }).expect(409);

    expect(body.error.code).toBe('PILE_UNAVAILABLE');
    await t.http.get(`/api/v1/admin/commands/${commandId}`).set('Authorization', operator).expect(404);
    expect(await auditOf(`pile:${offline}`)).toEqual([{ reason: 'reset: try it anyway', result: 'PILE_UNAVAILABLE', actorRole: 'operator' }]);
  });

  it('refuses a stop with 409 SESSION_STATE_CONFLICT when no session is charging on the pile', async () => {
    const { body } = await send(online, { type: 'stop', reason: 'nothing to stop' }).expect(409);
    expect(body.error.code).toBe('SESSION_STATE_CONFLICT');
  });

  it('answers a pile nobody knows with a 404', async () => {
    await send('no-such-pile', { type: 'reset', reason: 'who is this' }).expect(404);
  });

  it.each([
    ['a reason too short', { type: 'reset', reason: 'no' }, 'reason'],
    ['no reason', { type: 'reset' }, 'reason'],
    ['an unknown type', { type: 'reboot', reason: 'please' }, 'type'],
    ['a commandId that is not a UUID', { commandId: 'abc', type: 'reset', reason: 'please' }, 'commandId'],
    ['an unknown field', { type: 'reset', reason: 'please', force: true }, undefined],
    ['a start without a driver', { type: 'start', reason: 'driver called in' }, 'driverId'],
    ['an unlock without a connector', { type: 'unlock', reason: 'cable stuck' }, 'connectorId'],
    ['a connector on a reset', { type: 'reset', connectorId: 1, reason: 'please' }, 'connectorId'],
    ['a power out of range', { type: 'configure', reason: 'boost', params: { maxPowerW: 5_000_000 } }, 'params.maxPowerW'],
    ['an unknown setting', { type: 'configure', reason: 'boost', params: { turbo: true } }, 'params.turbo'],
    ['an empty configure', { type: 'configure', reason: 'nothing', params: {} }, 'params'],
  ])('refuses %s with a 400 naming the field', async (_case, body, field) => {
    const { body: answer } = await send(online, body).expect(400);
    expect(answer.error.code).toBe('VALIDATION_FAILED');
    expect(answer.error.field).toBe(field);
  });

  it('lets only operators and admins send; support reads; drivers get 403 everywhere', async () => {
    await send(online, { type: 'reset', reason: 'support tries' }, support).expect(403);
    await send(online, { type: 'reset', reason: 'driver tries' }, driver).expect(403);
    await t.http.get('/api/v1/admin/commands').set('Authorization', driver).expect(403);
    await t.http.get('/api/v1/admin/commands').set('Authorization', support).expect(200);
    await t.http.get('/api/v1/admin/commands').expect(401);
  });

  it('lists commands newest first, filtered by pile and state, page by page', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const { body } = await send(other, { type: 'reset', reason: `list test ${i}` }).expect(202);
      ids.push(body.command.commandId);
    }
    const page1 = await t.http.get(`/api/v1/admin/commands?pile=${other}&state=sent&limit=2`).set('Authorization', operator).expect(200);
    expect(page1.body.commands.map((c: { commandId: string }) => c.commandId)).toEqual([ids[2], ids[1]]);
    expect(page1.body.nextCursor).toEqual(expect.any(String));
    const page2 = await t.http.get(`/api/v1/admin/commands?pile=${other}&limit=2&cursor=${page1.body.nextCursor}`).set('Authorization', operator).expect(200);
    expect(page2.body.commands[0].commandId).toBe(ids[0]);
    expect(page2.body.commands.every((c: { pileCode: string }) => c.pileCode === other)).toBe(true);
    const accepted = await t.http.get(`/api/v1/admin/commands?pile=${other}&state=accepted`).set('Authorization', operator).expect(200);
    expect(accepted.body).toEqual({ commands: [] });
    await t.http.get('/api/v1/admin/commands?state=lost').set('Authorization', operator).expect(400);
  });
});
