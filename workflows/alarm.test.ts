import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { createAlarmActivities } from '../activities/alarm-activities';
import { AlarmLog } from '../db/alarm-log';
import { createDatabase, type Database } from '../db/database';
import { FleetCatalogue } from '../db/fleet-catalogue';
import { OnCallRoster } from '../db/on-call';
import { StaffAccounts } from '../db/staff-accounts';
import { TemporalAlarmWorkflows } from '../infra/alarm-workflows';
import { createLogger } from '../infra/logger';
import { TencentSms, tencentSmsConfigFrom } from '../infra/sms/tencent-sms';
import { WeChatSubscribeMessages } from '../infra/wechat/subscribe-message';
import { fragments, loadConfig } from '../infra/config';
import { aTariff } from '../test/support/builders';
import { type FakeSms, startFakeSms } from '../test/support/fake-sms';
import { FAKE_APP_ID, FAKE_APP_SECRET, type FakeWeChat, startFakeWeChat } from '../test/support/fake-wechat';
import { createTestDatabase, uniqueId } from '../test/support/services';
import { createTimeSkippingEnv, workflowBundle } from '../test/support/temporal';
import { alarmStateQuery, alarmWorkflowId } from './alarm.messages';

Runtime.install({ logger: new DefaultLogger('ERROR') });

const MINUTE = 60_000;
const ESCALATION_MS = 10 * MINUTE;
const QUIET_MS = 5 * MINUTE;
const TASK_QUEUE = 'alarm-test';

let env: TestWorkflowEnvironment;
let database: { url: string; drop(): Promise<void> };
let db: Database;
let sms: FakeSms;
let wechat: FakeWeChat;
let alarms: AlarmLog;
let stationId: string;
let pileId: string;
/** The station's on-call list: first and second, each with a phone; first also with a WeChat openid. */
let people: { id: string; phone: string }[];

beforeAll(async () => {
  database = await createTestDatabase();
  db = createDatabase({ mysqlUrl: database.url, dataDir: '/tmp' });
  await db.migrate();
  [sms, wechat] = await Promise.all([startFakeSms(), startFakeWeChat()]);
}, 60_000);

afterAll(async () => {
  await Promise.all([sms.close(), wechat.close()]);
  await db.close();
  await database.drop();
});

beforeEach(async () => {
  env = await createTimeSkippingEnv();
  alarms = new AlarmLog(db, { quietMs: QUIET_MS, workflows: new TemporalAlarmWorkflows({ temporal: env.client, taskQueue: TASK_QUEUE, logger: createLogger({ level: 'silent', name: 'alarm-test' }) }) });
  const catalogue = new FleetCatalogue(db);
  const tariff = aTariff({ id: uniqueId('tariff') });
  await catalogue.addTariff(tariff);
  stationId = uniqueId('station');
  await catalogue.addStations([{ id: stationId, name: 'Escalation', address: 'x', lat: 31.2, lng: 121.5, openingHours: '24h', tariffId: tariff.id }]);
  pileId = `${stationId}-p1`;
  await catalogue.addPiles([{ id: pileId, code: pileId, stationId, type: 'fast', maxPowerW: 120_000, connectorType: 'GB/T' }]);
  const accounts = new StaffAccounts(db);
  people = [];
  for (const [i, openId] of [uniqueId('oFirst'), null].entries()) {
    const staff = await accounts.create({ username: uniqueId(`oncall${i}`), role: 'operator', passwordHash: 'x' });
    const phone = `+86138${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
    await accounts.setContact(staff.id, { phone, wechatOpenId: openId });
    people.push({ id: staff.id, phone });
  }
  await new OnCallRoster(db).set(stationId, people.map((p) => p.id));
}, 120_000);

afterEach(async () => {
  await env?.teardown();
});

async function worker(): Promise<Worker> {
  const smsConfig = tencentSmsConfigFrom(loadConfig(fragments.alarms, sms.env))!;
  return Worker.create({
    connection: env.nativeConnection,
    taskQueue: TASK_QUEUE,
    workflowBundle: await workflowBundle(),
    activities: createAlarmActivities({
      alarms: new AlarmLog(db, { quietMs: QUIET_MS }),
      onCall: new OnCallRoster(db),
      sms: new TencentSms(smsConfig),
      wechat: new WeChatSubscribeMessages({ apiBase: wechat.apiBase, appId: FAKE_APP_ID, appSecret: FAKE_APP_SECRET }, 'alarm-template-0001'),
      settings: { escalationMs: ESCALATION_MS, quietMs: QUIET_MS },
      clock: Date.now,
    }),
  });
}

const smsTo = (phone: string) => sms.sent.filter((m) => m.phone === phone);
/** Waits (real time, no skipping) until the workflow has done what `done` checks. */
async function until(done: () => boolean | Promise<boolean>, what: string) {
  for (let i = 0; i < 200; i++) {
    if (await done()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting until ${what}`);
}
async function raisedAlarm(): Promise<number> {
  await alarms.raise(pileId, 'fault', 'E42', 'over temperature', new Date());
  return (await alarms.ofPile(pileId))[0].id;
}
const actions = async (id: number) => (await alarms.history(id)).map((h) => h.action);

it('tells the first person on call by SMS and WeChat, and escalates to the second when nobody acknowledges in time', async () => {
  const w = await worker();
  await w.runUntil(async () => {
    const id = await raisedAlarm();
    await until(async () => (await actions(id)).includes('notified'), 'the first person was told');
    expect(smsTo(people[0].phone)).toHaveLength(1);
    expect(wechat.subscribeMessages).toContainEqual(expect.objectContaining({ template_id: 'alarm-template-0001', data: expect.objectContaining({ thing2: { value: 'fault E42' } }) }));
    expect(smsTo(people[1].phone)).toHaveLength(0);

    await env.sleep(ESCALATION_MS - MINUTE);
    expect(smsTo(people[1].phone)).toHaveLength(0);
    await env.sleep(2 * MINUTE);
    await until(() => smsTo(people[1].phone).length === 1, 'the second person got an SMS');
    expect(smsTo(people[1].phone)[0].params).toEqual([pileId.slice(0, 20), 'fault', 'E42']);
    await until(async () => (await alarms.get(id)).escalationLevel === 1, 'the escalation was recorded');
    const history = await alarms.history(id);
    expect(history.map((h) => h.action)).toEqual(['raised', 'notified', 'escalated']);
    expect(history[2].detail).toContain('WeChat skipped: no openid');
    expect(smsTo(people[0].phone)).toHaveLength(1);
  });
});

it('stops escalating once someone acknowledges', async () => {
  const w = await worker();
  await w.runUntil(async () => {
    const id = await raisedAlarm();
    // The SMS leaves before the 'notified' row is written: wait for the row, or the acknowledgement may come first.
    await until(async () => (await actions(id)).includes('notified'), 'the first person was told');
    expect(smsTo(people[0].phone)).toHaveLength(1);
    await alarms.acknowledge({ id: people[0].id, name: 'first', role: 'operator' }, id, 'on it');
    const handle = env.client.workflow.getHandle(alarmWorkflowId(id));
    await until(async () => (await handle.query(alarmStateQuery)).acknowledged, 'the workflow heard the acknowledgement');
    await env.sleep(3 * ESCALATION_MS);
    expect(smsTo(people[1].phone)).toHaveLength(0);
    expect(await actions(id)).toEqual(['raised', 'notified', 'acknowledged']);
  });
});

it('ends when a person resolves the alarm', async () => {
  const w = await worker();
  await w.runUntil(async () => {
    const id = await raisedAlarm();
    await until(() => smsTo(people[0].phone).length === 1, 'the first person got an SMS');
    await alarms.resolve({ id: people[0].id, name: 'first', role: 'operator' }, id, 'false alarm');
    expect(await env.client.workflow.getHandle(alarmWorkflowId(id)).result()).toEqual({ outcome: 'resolved', escalationLevel: 0 });
  });
});

it('resolves itself when the condition clears and stays quiet and nobody acknowledged it', async () => {
  const w = await worker();
  await w.runUntil(async () => {
    const id = await raisedAlarm();
    await until(() => smsTo(people[0].phone).length === 1, 'the first person got an SMS');
    await alarms.clear(pileId, 'fault', new Date(await env.currentTimeMs()));
    expect(await env.client.workflow.getHandle(alarmWorkflowId(id)).result()).toEqual({ outcome: 'resolved-itself', escalationLevel: 0 });
    expect(await actions(id)).toEqual(['raised', 'notified', 'cleared', 'resolved']);
    expect((await alarms.get(id)).state).toBe('resolved');
    expect(smsTo(people[1].phone)).toHaveLength(0);
  });
});

it('starts the workflow of an alarm whose start was missed at its next change, without paging for what was already handled', async () => {
  const w = await worker();
  await w.runUntil(async () => {
    // Temporal was away when the alarm opened: the record exists, no workflow does.
    await new AlarmLog(db, { quietMs: QUIET_MS }).raise(pileId, 'fault', 'E42', 'over temperature', new Date());
    const [{ id }] = await alarms.ofPile(pileId);
    await alarms.acknowledge({ id: people[0].id, name: 'first', role: 'operator' }, id, 'seen it in the console');
    const handle = env.client.workflow.getHandle(alarmWorkflowId(id));
    await until(async () => (await handle.query(alarmStateQuery).catch(() => undefined))?.acknowledged === true, 'the workflow started and knows it was acknowledged');
    await env.sleep(3 * ESCALATION_MS);
    expect(sms.sent.filter((m) => people.some((p) => p.phone === m.phone))).toHaveLength(0);
    await alarms.resolve({ id: people[0].id, name: 'first', role: 'operator' }, id, 'done');
    expect(await handle.result()).toEqual({ outcome: 'resolved', escalationLevel: 0 });
  });
});
