import { randomBytes, randomUUID } from 'node:crypto';
import { type WorkflowHandle, WorkflowNotFoundError } from '@temporalio/client';
import { STALLED_REFUND_AFTER_MS } from '../activities/sweeper-activities';
import { refundWorkflowId } from '../workflows/refund.messages';
import { type TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import mqtt from 'mqtt';
import { createDatabase, type Database } from '../db/database';
import { SessionRecords } from '../db/session-records';
import { WalletPayments } from '../db/wallet';
import { derivePileSecret, verifyCommand } from '../device-protocol/commands';
import { mqttCredentials } from '../device-protocol/mqtt-accounts';
import { pileTopics } from '../device-protocol/topics';
import { RedisHotState } from '../infra/hot-state';
import { LiveState } from '../live/live-state';
import { connectMqtt, type MqttClient } from '../infra/mqtt';
import { ensureSearchAttributes, installTemporalRuntime } from '../infra/temporal';
import { aSessionInput } from '../test/support/builders';
import { eventually } from '../test/support/live-client';
import { TEST_MQTT_URL, TEST_REDIS_URL, createTestDatabase, testRedisPrefix, uniqueId } from '../test/support/services';
import { createLocalEnv, workflowBundle } from '../test/support/temporal';
import { chargingSession } from '../workflows/charging-session';
import {
  type ChargingSessionInput,
  admissionUpdate,
  chargingStartedSignal,
  pileAcknowledgedSignal,
  sessionStateQuery,
  sessionWorkflowId,
} from '../workflows/charging-session.messages';
import { SESSION_SWEEPER_SCHEDULE_ID, SESSION_SWEEPER_WORKFLOW } from '../workflows/session-sweeper.messages';
import { sweepOrphanedSessions } from '../workflows/session-sweeper';
import { ensureSweeperSchedule } from './session-sweeper';
import { buildWorkerActivities } from './worker';
import { Orders } from '../db/orders';
import { PayscoreOrders } from '../db/payscore-orders';
import { UserDirectory } from '../db/users';
import { WeChatUsers } from '../db/wechat-users';
import type { PaymentMode } from '../domain/payscore';
import { WeChatPayscore } from '../payments/wechat-pay/wechat-payscore';
import { type FakeWeChatPay, startFakeWeChatPay } from '../test/support/fake-wechat-pay';
import { aPayscoreDriver } from '../test/support/payscore-sessions';

installTemporalRuntime('error');

/** What no workflow code can catch, on a real Temporal server, MariaDB, Redis and Mosquitto. */
describe('the orphaned-session sweeper', () => {
  const masterKey = randomBytes(32).toString('hex');
  let env: TestWorkflowEnvironment;
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let db: Database;
  let hot: RedisHotState;
  let broker: MqttClient;
  let piles: mqtt.MqttClient;
  let worker: Worker;
  let running: Promise<void>;
  const taskQueue = `sweeper-test-${randomUUID()}`;
  const commandsReceived: { pileId: string; cmd: string; jti: string }[] = [];
  let pay: FakeWeChatPay;

  beforeAll(async () => {
    env = await createLocalEnv();
    await ensureSearchAttributes(env.client, 'default');
    database = await createTestDatabase();
    db = createDatabase({ mysqlUrl: database.url, dataDir: '/tmp' });
    await db.migrate();
    hot = new RedisHotState(TEST_REDIS_URL, { keyPrefix: testRedisPrefix() });
    broker = await connectMqtt(TEST_MQTT_URL, mqttCredentials(masterKey, { role: 'commands', name: uniqueId('sweeper-test') }));
    piles = await mqtt.connectAsync(TEST_MQTT_URL, { protocolVersion: 4 });
    piles.on('message', (topic, payload) => void playThePile(topic, payload.toString()));
    pay = await startFakeWeChatPay();
    const payscore = new WeChatPayscore({ db, orders: new PayscoreOrders(db), sessionOrders: new Orders(db), users: new UserDirectory(db), config: pay.config });
    worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: await workflowBundle(),
      activities: buildWorkerActivities({ db, hot, mqtt: broker, pileMasterKey: masterKey, topics: pileTopics(), temporal: env.client, taskQueue, payscore }),
    });
    running = worker.run();
  }, 180_000);

  afterAll(async () => {
    worker?.shutdown();
    await running;
    await pay?.close();
    await piles?.endAsync();
    await broker?.endAsync();
    await hot?.close();
    await db?.close();
    await database?.drop();
    await env?.teardown();
  }, 60_000);

  /** Each test pile accepts its start (echoing the signed nonce) and starts metering at once. */
  async function playThePile(topic: string, token: string) {
    const pileId = topic.split('/')[3];
    const verdict = verifyCommand(token, pileId, derivePileSecret(masterKey, pileId), Date.now());
    if (!verdict.ok) return;
    const { cmd, jti, nonce, sessionId } = verdict.claims;
    commandsReceived.push({ pileId, cmd, jti });
    if (cmd !== 'start' || !sessionId) return;
    const handle = env.client.workflow.getHandle(sessionWorkflowId(sessionId));
    await handle.signal(pileAcknowledgedSignal, { commandId: jti, nonce, accepted: true });
    await handle.signal(chargingStartedSignal, { at: Date.now(), meterStartWh: 100_000 });
  }

  async function aChargingSession(paymentMode: PaymentMode = 'wallet'): Promise<{ input: ChargingSessionInput; handle: WorkflowHandle<typeof chargingSession> }> {
    const userId = paymentMode === 'payscore' ? (await aPayscoreDriver(pay, new WeChatUsers(db))).userId : uniqueId('driver');
    const input = aSessionInput({ userId, paymentMode });
    if (paymentMode === 'wallet') await new WalletPayments(db).creditTopUp({ userId: input.userId, amountFen: 5000, provider: 'sandbox', providerRef: null, idempotencyKey: uniqueId('top-up') });
    await piles.subscribeAsync(pileTopics().command(input.pileId), { qos: 1 });
    const handle = await env.client.workflow.start(chargingSession, { args: [input], taskQueue, workflowId: sessionWorkflowId(input.sessionId) });
    await handle.executeUpdate(admissionUpdate);
    await eventually(() => handle.query(sessionStateQuery), (view) => view.status === 'CHARGING');
    return { input, handle };
  }

  const sweep = () => env.client.workflow.execute(sweepOrphanedSessions, { taskQueue, workflowId: `sweep-${randomUUID()}` });

  it('gives back the hold and the pile of a charging session whose workflow was terminated, stops the pile and flags the session', async () => {
    const { input, handle } = await aChargingSession();
    await handle.terminate('an operator terminated it');
    expect(await new WalletPayments(db).hold(input.sessionId)).toMatchObject({ status: 'held' });

    const report = await sweep();

    expect(report.swept).toContain(input.sessionId);
    expect(await new WalletPayments(db).hold(input.sessionId)).toMatchObject({ status: 'released' });
    expect(await new WalletPayments(db).wallet(input.userId)).toMatchObject({ balanceFen: 5000, heldFen: 0 });
    expect(await new SessionRecords(db).claimOf(input.pileId)).toBeNull();
    expect(await new LiveState(hot).occupant(input.pileId)).toBeUndefined();
    expect(await new SessionRecords(db).byId(input.sessionId)).toMatchObject({ needsReview: true, reviewReason: expect.stringContaining('swept while CHARGING') });
    const stop = { pileId: input.pileId, cmd: 'stop', jti: `${input.sessionId}:sweep-stop` };
    expect(await eventually(async () => commandsReceived, (received) => received.some((c) => c.jti === stop.jti))).toContainEqual(stop);
  }, 120_000);

  it('cancels the WeChat Pay Score order of a charging session whose workflow was terminated', async () => {
    const { input, handle } = await aChargingSession('payscore');
    await handle.terminate('an operator terminated it');
    const orders = new PayscoreOrders(db);
    expect(await orders.bySession(input.sessionId)).toMatchObject({ state: 'doing' });

    const report = await sweep();

    expect(report.swept).toContain(input.sessionId);
    const order = (await orders.bySession(input.sessionId))!;
    expect(order.state).toBe('cancelled');
    expect(pay.serviceOrders.get(order.outOrderNo)).toMatchObject({ state: 'REVOKED' });
    expect(await new SessionRecords(db).claimOf(input.pileId)).toBeNull();
  }, 120_000);

  it('leaves alone a session whose workflow still runs', async () => {
    const { input, handle } = await aChargingSession();

    const report = await sweep();

    expect(report.swept).not.toContain(input.sessionId);
    expect(await new WalletPayments(db).hold(input.sessionId)).toMatchObject({ status: 'held' });
    expect(await new SessionRecords(db).claimOf(input.pileId)).toMatchObject({ sessionId: input.sessionId });
    await handle.terminate('test over');
  }, 120_000);

  /** A withdrawal committed with its refund, then the API died before starting the refund's workflow, `ageMs` ago. */
  async function aRefundNobodyWatched(ageMs: number): Promise<string> {
    const userId = uniqueId('driver');
    const wallet = new WalletPayments(db);
    await wallet.creditTopUp({ userId, amountFen: 3000, provider: 'sandbox', providerRef: null, idempotencyKey: uniqueId('top-up') });
    const { refunds } = await wallet.openWithdrawal({ userId, amountFen: 1200, idempotencyKey: uniqueId('withdrawal'), nowMs: Date.now() });
    const [{ outRefundNo }] = refunds;
    await db.sequelize.query('UPDATE refunds SET created_at = :at WHERE out_refund_no = :outRefundNo', { replacements: { at: new Date(Date.now() - ageMs), outRefundNo } });
    return outRefundNo;
  }

  it('starts the workflow of a refund whose withdrawal was committed but whose workflow never started, once', async () => {
    const stalled = await aRefundNobodyWatched(STALLED_REFUND_AFTER_MS + 60_000);

    const report = await sweep();

    expect(report.refundsRestarted).toContain(stalled);
    const settled = await eventually(async () => (await new WalletPayments(db).refund(stalled))?.refund.status, (status) => status === 'succeeded');
    expect(settled).toBe('succeeded');
    expect((await sweep()).refundsRestarted).not.toContain(stalled);
  }, 120_000);

  it('leaves a refund opened moments ago to the API that is starting its workflow', async () => {
    const young = await aRefundNobodyWatched(0);

    const report = await sweep();

    expect(report.refundsRestarted).not.toContain(young);
    await expect(env.client.workflow.getHandle(refundWorkflowId(young)).describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);
  }, 120_000);

  it('is scheduled once however many workers start', async () => {
    await ensureSweeperSchedule(env.client, taskQueue);
    await ensureSweeperSchedule(env.client, taskQueue);
    const schedule = await env.client.schedule.getHandle(SESSION_SWEEPER_SCHEDULE_ID).describe();
    expect(schedule.action).toMatchObject({ type: 'startWorkflow', workflowType: SESSION_SWEEPER_WORKFLOW, taskQueue });
    await env.client.schedule.getHandle(SESSION_SWEEPER_SCHEDULE_ID).delete();
  });
});
