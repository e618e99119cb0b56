import { AlarmLog, type AlarmRef } from './alarm-log';
import { createDatabase, type Database } from './database';
import { FleetCatalogue } from './fleet-catalogue';
import { aTariff } from '../test/support/builders';
import { createTestDatabase, uniqueId } from '../test/support/services';

const QUIET_MS = 60_000;
const T0 = Date.parse('2026-03-02T02:00:00Z');
const at = (ms: number) => new Date(T0 + ms);

describe('the alarm log', () => {
  let database: { url: string; drop(): Promise<void> };
  let db: Database;
  let stationId: string;
  const opened: AlarmRef[] = [];
  const changes: string[] = [];
  let alarms: AlarmLog;

  beforeAll(async () => {
    database = await createTestDatabase();
    db = createDatabase({ mysqlUrl: database.url, dataDir: '/tmp' });
    await db.migrate();
    const catalogue = new FleetCatalogue(db);
    const tariff = aTariff({ id: uniqueId('tariff') });
    await catalogue.addTariff(tariff);
    stationId = uniqueId('station');
    await catalogue.addStations([{ id: stationId, name: 'Log', address: 'x', lat: 31.2, lng: 121.5, openingHours: '24h', tariffId: tariff.id }]);
    alarms = new AlarmLog(db, { quietMs: QUIET_MS, workflows: { opened: async (alarm) => void opened.push(alarm), changed: async (alarm, change) => void changes.push(`${alarm.id}:${alarm.pileId ?? '-'}:${change}`) } });
  });
  afterAll(async () => {
    await db.close();
    await database.drop();
  });

  async function aPile(): Promise<string> {
    const id = uniqueId('pile');
    await new FleetCatalogue(db).addPiles([{ id, code: id, stationId, type: 'fast', maxPowerW: 60_000, connectorType: 'GB/T' }]);
    return id;
  }

  it('opens one alarm, and starts one workflow, when twenty raises of one condition arrive at once', async () => {
    const pileId = await aPile();
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => alarms.raise(pileId, 'offline', 'DISCONNECTED', 'gone', at(i))));
    expect(results.filter(Boolean)).toHaveLength(1);
    const rows = await alarms.ofPile(pileId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ occurrences: 20, stationId, state: 'open' });
    expect(opened.filter((alarm) => alarm.id === rows[0].id)).toEqual([{ id: rows[0].id, pileId }]);
  });

  it('folds a fault that clears and comes back within the quiet period, telling the workflow it came back', async () => {
    const pileId = await aPile();
    await alarms.raise(pileId, 'fault', 'E1', 'hot', at(0));
    await alarms.clear(pileId, 'fault', at(1000));
    expect(await alarms.raise(pileId, 'fault', 'E1', 'hot', at(QUIET_MS))).toBe(false);
    const [alarm] = await alarms.ofPile(pileId);
    expect(alarm).toMatchObject({ occurrences: 2, clearedAt: null });
    expect(changes).toEqual(expect.arrayContaining([`${alarm.id}:${pileId}:cleared`, `${alarm.id}:${pileId}:raised-again`]));
    expect((await alarms.history(alarm.id)).map((h) => h.action)).toEqual(['raised', 'cleared']);
    await alarms.clear(pileId, 'fault', at(QUIET_MS + 1000));
    expect((await alarms.history(alarm.id)).map((h) => h.action)).toEqual(['raised', 'cleared']);
  });

  it('resolves a cleared, quiet, unacknowledged alarm and opens a new one when the condition returns later', async () => {
    const pileId = await aPile();
    await alarms.raise(pileId, 'fault', 'E1', 'hot', at(0));
    await alarms.clear(pileId, 'fault', at(1000));
    expect(await alarms.raise(pileId, 'fault', 'E2', 'hotter', at(1000 + QUIET_MS))).toBe(true);
    const [first, second] = await alarms.ofPile(pileId);
    expect(first).toMatchObject({ state: 'resolved', openKey: null });
    expect(second).toMatchObject({ state: 'open', code: 'E2', occurrences: 1 });
  });

  it('keeps an acknowledged alarm for its person however long the condition was quiet', async () => {
    const pileId = await aPile();
    await alarms.raise(pileId, 'fault', 'E1', 'hot', at(0));
    const [alarm] = await alarms.ofPile(pileId);
    await alarms.acknowledge({ id: 'someone', name: 'someone', role: 'operator' }, alarm.id, undefined, at(10));
    await alarms.clear(pileId, 'fault', at(1000));
    expect(await alarms.resolveIfQuiet(alarm.id, at(10 * QUIET_MS))).toBe(false);
    expect(await alarms.raise(pileId, 'fault', 'E1', 'hot', at(10 * QUIET_MS))).toBe(false);
    expect(await alarms.ofPile(pileId)).toHaveLength(1);
  });

  it('counts a raise from before an alarm was resolved, arriving after it, into that alarm instead of opening another', async () => {
    const pileId = await aPile();
    await alarms.raise(pileId, 'fault', 'E1', 'hot', at(0));
    const [alarm] = await alarms.ofPile(pileId);
    await alarms.resolve({ id: 'someone', name: 'someone', role: 'operator' }, alarm.id, 'fixed', at(5_000));
    expect(await alarms.raise(pileId, 'fault', 'E1', 'hot', at(4_000))).toBe(false);
    expect(await alarms.ofPile(pileId)).toEqual([expect.objectContaining({ id: alarm.id, state: 'resolved', occurrences: 2 })]);
    expect(await alarms.raise(pileId, 'fault', 'E1', 'hot', at(6_000))).toBe(true);
    expect(await alarms.ofPile(pileId)).toHaveLength(2);
  });

  it('lists platform alarms, which have no pile, without a station', async () => {
    await alarms.raise('alert:HighErrorRate', 'platform', 'HighErrorRate', 'API 5xx above 1%', at(0));
    const listed = await alarms.list({ pile: 'alert:HighErrorRate' });
    expect(listed).toEqual([expect.objectContaining({ kind: 'platform', stationId: null, pileCode: null })]);
  });
});
