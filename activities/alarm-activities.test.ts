import { AlarmLog } from '../db/alarm-log';
import { createDatabase, type Database } from '../db/database';
import { FleetCatalogue } from '../db/fleet-catalogue';
import { OnCallRoster } from '../db/on-call';
import { StaffAccounts } from '../db/staff-accounts';
import { aTariff } from '../test/support/builders';
import { createTestDatabase, uniqueId } from '../test/support/services';
import { createAlarmActivities, type SmsChannel } from './alarm-activities';

describe('alarm notifications', () => {
  let database: { url: string; drop(): Promise<void> };
  let db: Database;
  let alarms: AlarmLog;
  let stationId: string;
  let accounts: StaffAccounts;
  const texts: { phone: string; params: string[] }[] = [];
  const sms: SmsChannel = { send: async (phone, params) => void texts.push({ phone, params }) };
  const settings = { escalationMs: 600_000, quietMs: 300_000 };

  beforeAll(async () => {
    database = await createTestDatabase();
    db = createDatabase({ mysqlUrl: database.url, dataDir: '/tmp' });
    await db.migrate();
    alarms = new AlarmLog(db);
    accounts = new StaffAccounts(db);
    const catalogue = new FleetCatalogue(db);
    const tariff = aTariff({ id: uniqueId('tariff') });
    await catalogue.addTariff(tariff);
    stationId = uniqueId('station');
    await catalogue.addStations([{ id: stationId, name: 'Notify', address: 'x', lat: 31.2, lng: 121.5, openingHours: '24h', tariffId: tariff.id }]);
    await catalogue.addPiles([{ id: `${stationId}-p1`, code: `${stationId}-p1`, stationId, type: 'fast', maxPowerW: 60_000, connectorType: 'GB/T' }]);
  });
  afterAll(async () => {
    await db.close();
    await database.drop();
  });

  async function someone(role: 'operator' | 'admin', contact: { phone?: string; wechatOpenId?: string }) {
    const staff = await accounts.create({ username: uniqueId(role), role, passwordHash: 'x' });
    await accounts.setContact(staff.id, contact);
    return staff;
  }

  it('skips channels that are not configured, and the history says so', async () => {
    const person = await someone('operator', { phone: '+8613800000001', wechatOpenId: 'oSomeOpenId01' });
    await new OnCallRoster(db).set(stationId, [person.id]);
    await alarms.raise(`${stationId}-p1`, 'fault', 'E1', 'hot', new Date());
    const [alarm] = await alarms.ofPile(`${stationId}-p1`);
    const activities = createAlarmActivities({ alarms, onCall: new OnCallRoster(db), settings, clock: Date.now });
    expect(await activities.notifyOnCall({ alarmId: alarm.id, level: 0 })).toEqual({ notified: true, more: false });
    const notified = (await alarms.history(alarm.id)).find((h) => h.action === 'notified');
    expect(notified?.detail).toContain('SMS skipped: SMS is not configured');
    expect(notified?.detail).toContain('WeChat skipped: WeChat subscribe messages are not configured');
  });

  it('tells each level once, even when the activity runs again', async () => {
    const pileId = `${stationId}-p1`;
    await alarms.raise(pileId, 'offline', 'DISCONNECTED', 'gone', new Date());
    const alarm = (await alarms.ofPile(pileId)).find((a) => a.kind === 'offline')!;
    const activities = createAlarmActivities({ alarms, onCall: new OnCallRoster(db), sms, settings, clock: Date.now });
    await activities.notifyOnCall({ alarmId: alarm.id, level: 0 });
    await activities.notifyOnCall({ alarmId: alarm.id, level: 0 });
    expect(texts.filter((t) => t.params[1] === 'offline')).toHaveLength(1);
  });

  it('sends a platform alarm to the admins with a phone', async () => {
    const admin = await someone('admin', { phone: '+8613800000099' });
    await someone('admin', {});
    await alarms.raise('alert:DiskFull', 'platform', 'DiskFull', 'disk 95% full', new Date());
    const [alarm] = await alarms.ofPile('alert:DiskFull');
    const activities = createAlarmActivities({ alarms, onCall: new OnCallRoster(db), sms, settings, clock: Date.now });
    await activities.notifyOnCall({ alarmId: alarm.id, level: 0 });
    expect(texts.at(-1)).toEqual({ phone: '+8613800000099', params: ['alert:DiskFull', 'platform', 'DiskFull'] });
    expect((await new OnCallRoster(db).recipients(null)).map((p) => p.id)).toEqual([admin.id]);
  });

  it('records that nobody is on call rather than failing', async () => {
    const catalogue = new FleetCatalogue(db);
    const lonely = uniqueId('station');
    const tariffId = (await db.models.Station.findByPk(stationId))!.tariffId;
    await catalogue.addStations([{ id: lonely, name: 'Nobody', address: 'x', lat: 31.2, lng: 121.5, openingHours: '24h', tariffId }]);
    await catalogue.addPiles([{ id: `${lonely}-p1`, code: `${lonely}-p1`, stationId: lonely, type: 'slow', maxPowerW: 7_000, connectorType: 'GB/T' }]);
    await alarms.raise(`${lonely}-p1`, 'fault', 'E9', 'x', new Date());
    const [alarm] = await alarms.ofPile(`${lonely}-p1`);
    const activities = createAlarmActivities({ alarms, onCall: new OnCallRoster(db), sms, settings, clock: Date.now });
    expect(await activities.notifyOnCall({ alarmId: alarm.id, level: 0 })).toEqual({ notified: false, more: false });
    expect((await alarms.history(alarm.id)).at(-1)).toMatchObject({ action: 'notified', detail: 'nobody is on call for this station' });
  });
});
