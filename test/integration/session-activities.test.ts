import { randomBytes, randomUUID } from 'node:crypto';
import { MockActivityEnvironment } from '@temporalio/testing';
import mqtt from 'mqtt';
import type { SessionActivities } from '../../activities/session-activities';
import { createDatabase, type Database } from '../../db/database';
import { Orders } from '../../db/orders';
import { SessionRecords } from '../../db/session-records';
import { derivePileSecret, verifyCommand } from '../../device-protocol/commands';
import { mqttCredentials } from '../../device-protocol/mqtt-accounts';
import { pileTopics } from '../../device-protocol/topics';
import { settleBill, priceEnergyByBand, idleCharge } from '../../domain/billing';
import { RedisHotState } from '../../infra/hot-state';
import { LiveState } from '../../live/live-state';
import { connectMqtt, type MqttClient } from '../../infra/mqtt';
import { WalletPayments } from '../../db/wallet';
import { buildSessionActivities } from '../../worker/worker';
import { aTariff } from '../support/builders';
import { TEST_MQTT_URL, TEST_REDIS_URL, createTestDatabase, testRedisPrefix, uniqueId } from '../support/services';

/** The default topics, as the test broker carries them. */
const topics = pileTopics();

/** The session activities with their production dependencies on MariaDB, Redis and Mosquitto. */
describe('session activities on real engines', () => {
  const masterKey = randomBytes(32).toString('hex');
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let db: Database;
  let hot: RedisHotState;
  let broker: MqttClient;
  let activities: SessionActivities;
  let wallet: WalletPayments;
  let records: SessionRecords;
  let orders: Orders;

  beforeAll(async () => {
    database = await createTestDatabase();
    db = createDatabase({ mysqlUrl: database.url, dataDir: '/tmp' });
    await db.migrate();
    hot = new RedisHotState(TEST_REDIS_URL, { keyPrefix: testRedisPrefix() });
    broker = await connectMqtt(TEST_MQTT_URL, mqttCredentials(masterKey, { role: 'commands', name: uniqueId('activities-test') }));
    activities = buildSessionActivities({ db, hot, mqtt: broker, pileMasterKey: masterKey, topics });
    wallet = new WalletPayments(db);
    records = new SessionRecords(db);
    orders = new Orders(db);
  }, 60_000);

  afterAll(async () => {
    await broker?.endAsync();
    await hot?.close();
    await db?.close();
    await database?.drop();
  });

  const policy = { minHoldFen: 1000, maxHoldFen: 20_000 };
  function aSession(pileId = uniqueId('pile')) {
    const identity = { sessionId: randomUUID(), userId: uniqueId('user'), pileId, stationId: 'station-1' };
    return { identity, open: { ...identity, workflowId: 'wf', status: 'AUTHORIZING' as const, limits: {}, tariff: aTariff(), at: Date.now() } };
  }
  async function fundedDriver(userId: string, fen: number) {
    await wallet.creditTopUp({ userId, amountFen: fen, provider: 'sandbox', providerRef: null, idempotencyKey: uniqueId('topup') });
  }

  it('opens a session once, however often the activity is retried', async () => {
    const { open } = aSession();
    expect(await activities.openSession(open)).toBe('opened');
    expect(await activities.openSession(open)).toBe('opened');
    expect(await records.byId(open.sessionId)).toMatchObject({ status: 'AUTHORIZING', statusSeq: 1 });
    expect(await records.events(open.sessionId)).toHaveLength(1);
    expect(await new LiveState(hot).occupant(open.pileId)).toEqual({ sessionId: open.sessionId, status: 'AUTHORIZING' });
  });

  it('lets exactly one of many sessions racing for the same pile claim it', async () => {
    const pileId = uniqueId('pile');
    const outcomes = await Promise.all(Array.from({ length: 20 }, () => activities.openSession(aSession(pileId).open)));
    expect(outcomes.filter((o) => o === 'opened')).toHaveLength(1);
    expect(await activities.openSession(aSession(pileId).open)).toBe('pile_busy');
  });

  it('frees the pile for the next session once released', async () => {
    const first = aSession();
    await activities.openSession(first.open);
    await activities.releasePile(first.identity);
    await activities.releasePile(first.identity);
    expect(await activities.openSession(aSession(first.identity.pileId).open)).toBe('opened');
  });

  it('ignores a late, stale transition write after a newer one', async () => {
    const { open, identity } = aSession();
    await activities.openSession(open);
    const record = { status: 'STARTING' as const, energyWh: 0, needsReview: false, heldFen: 2000 };
    await activities.recordTransition({ ...identity, seq: 3, from: 'STARTING', to: 'CHARGING', at: Date.now(), record: { ...record, status: 'CHARGING' } });
    await activities.recordTransition({ ...identity, seq: 2, from: 'AUTHORIZING', to: 'STARTING', at: Date.now(), record });
    await activities.recordTransition({ ...identity, seq: 2, from: 'AUTHORIZING', to: 'STARTING', at: Date.now(), record });
    expect((await records.byId(open.sessionId))!.status).toBe('CHARGING');
    expect(await records.events(open.sessionId)).toHaveLength(3);
  });

  it('holds, captures and releases money exactly once per session, whatever is retried', async () => {
    const { identity } = aSession();
    await fundedDriver(identity.userId, 5000);
    const hold = await activities.authorizePayment({ sessionId: identity.sessionId, userId: identity.userId, limits: {}, policy });
    expect(await activities.authorizePayment({ sessionId: identity.sessionId, userId: identity.userId, limits: {}, policy })).toEqual(hold);
    expect(hold).toEqual({ approved: true, holdFen: 5000 });
    const tariff = aTariff();
    const bill = settleBill(priceEnergyByBand(tariff, { 'peak|110|80': 10_000 }), idleCharge(tariff, 0, undefined), 5000);
    await Promise.all([activities.captureSettlement({ ...identity, bill }), activities.captureSettlement({ ...identity, bill })]);
    await activities.captureSettlement({ ...identity, bill });
    await activities.releasePayment(identity.sessionId);

    expect(bill).toMatchObject({ totalFen: 1900, capturedFen: 1900, releasedFen: 3100 });
    expect(await wallet.wallet(identity.userId)).toMatchObject({ balanceFen: 3100, heldFen: 0 });
    expect(await orders.ofSession(identity.sessionId)).toEqual([expect.objectContaining({ totalFen: 1900, capturedFen: 1900, releasedFen: 3100 })]);
    const kinds = (await wallet.transactions(identity.userId, 10)).reverse().map((t) => [t.kind, t.amountFen]);
    expect(kinds).toEqual([['top_up', 5000], ['hold', 5000], ['capture', 1900], ['release', 3100]]);
  });

  it('hands the bill over to be told to the driver once it is captured', async () => {
    const handedOver: string[] = [];
    const withBills = buildSessionActivities({ db, hot, mqtt: broker, pileMasterKey: masterKey, topics, billNotices: { queue: { enqueue: async (id) => void handedOver.push(id) }, sender: { send: async () => 'sent' } } });
    const { identity } = aSession();
    await fundedDriver(identity.userId, 5000);
    await withBills.authorizePayment({ sessionId: identity.sessionId, userId: identity.userId, limits: {}, policy });
    const tariff = aTariff();
    await withBills.captureSettlement({ ...identity, bill: settleBill(priceEnergyByBand(tariff, { 'peak|110|80': 1_000 }), idleCharge(tariff, 0, undefined), 5000) });
    expect(handedOver).toEqual([identity.sessionId]);
  });

  it('settles even when the bill cannot be handed over', async () => {
    const withBrokenBills = buildSessionActivities({ db, hot, mqtt: broker, pileMasterKey: masterKey, topics, billNotices: { queue: { enqueue: () => Promise.reject(new Error('Temporal is away')) }, sender: { send: async () => 'sent' } } });
    const { identity } = aSession();
    await fundedDriver(identity.userId, 5000);
    await withBrokenBills.authorizePayment({ sessionId: identity.sessionId, userId: identity.userId, limits: {}, policy });
    const tariff = aTariff();
    const bill = settleBill(priceEnergyByBand(tariff, { 'peak|110|80': 1_000 }), idleCharge(tariff, 0, undefined), 5000);
    await new MockActivityEnvironment().run(withBrokenBills.captureSettlement, { ...identity, bill });
    expect(await orders.ofSession(identity.sessionId)).toEqual([expect.objectContaining({ totalFen: bill.totalFen })]);
  });

  it('declines a balance below the minimum and holds nothing', async () => {
    const { identity } = aSession();
    await fundedDriver(identity.userId, 900);
    expect(await activities.authorizePayment({ sessionId: identity.sessionId, userId: identity.userId, limits: {}, policy })).toEqual({ approved: false, availableFen: 900, requiredFen: 1000 });
    expect(await wallet.wallet(identity.userId)).toMatchObject({ balanceFen: 900, heldFen: 0 });
  });

  it('publishes a start command the pile can verify with its own secret', async () => {
    const pileId = uniqueId('pile');
    const pile = await mqtt.connectAsync(TEST_MQTT_URL, { protocolVersion: 4 });
    const received = new Promise<string>((resolve) => pile.on('message', (_topic, payload) => resolve(payload.toString())));
    await pile.subscribeAsync(topics.command(pileId), { qos: 1 });
    const sessionId = randomUUID();
    await activities.sendPileCommand({ commandId: `${sessionId}:start`, nonce: 'nonce-of-this-start-command', pileId, sessionId, type: 'start', ttlSeconds: 60 });
    const token = await received;
    await pile.endAsync();
    expect(verifyCommand(token, pileId, derivePileSecret(masterKey, pileId), Date.now())).toMatchObject({
      ok: true,
      claims: { jti: `${sessionId}:start`, sub: pileId, cmd: 'start', sessionId, nonce: 'nonce-of-this-start-command' },
    });
    expect(verifyCommand(token, pileId, derivePileSecret('another-master-key-of-32-characters!!', pileId), Date.now())).toEqual({ ok: false, reason: 'bad_signature' });
  });

  describe('admission of a direct start in one activity', () => {
    const startingRecord = { status: 'STARTING' as const, energyWh: 0, needsReview: false };
    const anAdmission = (pileId?: string) => {
      const { identity, open } = aSession(pileId);
      return { identity, request: { ...open, policy, startingRecord } };
    };
    const kindsOf = async (userId: string) => (await wallet.transactions(userId, 10)).reverse().map((t) => [t.kind, t.amountFen]);

    it('opens the session, holds the money and records STARTING once, however often it is retried', async () => {
      const { identity, request } = anAdmission();
      await fundedDriver(identity.userId, 5000);
      const first = await activities.admitSession(request);
      expect(await activities.admitSession(request)).toEqual(first);
      expect(first).toEqual({ outcome: 'admitted', starting: expect.objectContaining({ seq: 2, from: 'AUTHORIZING', to: 'STARTING', reason: 'held 5000 fen', record: { ...startingRecord, heldFen: 5000 } }) });
      expect(await records.byId(identity.sessionId)).toMatchObject({ status: 'STARTING', statusSeq: 2, heldFen: 5000 });
      expect((await records.events(identity.sessionId)).map((e) => e.toStatus)).toEqual(['AUTHORIZING', 'STARTING']);
      expect(await wallet.wallet(identity.userId)).toMatchObject({ balanceFen: 0, heldFen: 5000 });
      expect(await kindsOf(identity.userId)).toEqual([['top_up', 5000], ['hold', 5000]]);
      expect(await new LiveState(hot).occupant(identity.pileId)).toEqual({ sessionId: identity.sessionId, status: 'STARTING' });
    });

    it('answers pile_busy and writes nothing when another session holds the pile', async () => {
      const holder = aSession();
      await activities.openSession(holder.open);
      const { identity, request } = anAdmission(holder.identity.pileId);
      await fundedDriver(identity.userId, 5000);
      expect(await activities.admitSession(request)).toEqual({ outcome: 'pile_busy' });
      expect(await records.byId(identity.sessionId)).toBeFalsy();
      expect(await wallet.wallet(identity.userId)).toMatchObject({ balanceFen: 5000, heldFen: 0 });
    });

    it('declines a balance below the minimum: the session is opened (as its decline is recorded next) and nothing is held', async () => {
      const { identity, request } = anAdmission();
      await fundedDriver(identity.userId, 900);
      expect(await activities.admitSession(request)).toEqual({ outcome: 'declined', decision: { approved: false, availableFen: 900, requiredFen: 1000 } });
      expect(await activities.admitSession(request)).toEqual({ outcome: 'declined', decision: { approved: false, availableFen: 900, requiredFen: 1000 } });
      expect(await records.byId(identity.sessionId)).toMatchObject({ status: 'AUTHORIZING', statusSeq: 1 });
      expect(await wallet.wallet(identity.userId)).toMatchObject({ balanceFen: 900, heldFen: 0 });
      expect(await kindsOf(identity.userId)).toEqual([['top_up', 900]]);
    });

    it('admits exactly one of many sessions racing for the same pile, and holds money for that one only', async () => {
      const pileId = uniqueId('pile');
      const racers = Array.from({ length: 10 }, () => anAdmission(pileId));
      for (const { identity } of racers) await fundedDriver(identity.userId, 3000);
      const outcomes = await Promise.all(racers.map(({ request }) => activities.admitSession(request)));
      expect(outcomes.filter((o) => o.outcome === 'admitted')).toHaveLength(1);
      expect(outcomes.filter((o) => o.outcome === 'pile_busy')).toHaveLength(9);
      const held = await Promise.all(racers.map(({ identity }) => wallet.wallet(identity.userId)));
      expect(held.map((w) => w.heldFen).sort((a, b) => b - a)).toEqual([3000, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    });
  });
});
