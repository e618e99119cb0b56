import { BOTH_DIALECTS } from '../test/support/fresh-database';
import { eventually } from '../test/support/live-client';
import { DEMO_TARIFF } from '../system/seed-demo';
import type { Database } from './database';
import { FleetCatalogue } from './fleet-catalogue';
import { PileRegistry } from './pile-registry';

describe.each(BOTH_DIALECTS)('PileRegistry on %s', (_dialect, fresh) => {
  let db: Database;
  let drop: () => Promise<void>;
  let catalogue: FleetCatalogue;
  let queries: string[];

  beforeAll(async () => {
    ({ db, drop } = await fresh());
    await db.migrate();
    catalogue = new FleetCatalogue(db);
    await catalogue.addTariff(DEMO_TARIFF);
    await catalogue.addStations([{ id: 'st-reg', name: 'Registry station', address: '1 Test Road', lat: 31.2, lng: 121.4, openingHours: '00:00-24:00', tariffId: DEMO_TARIFF.id }]);
    await catalogue.addPiles(['reg-1', 'reg-2', 'reg-3'].map((id) => aPile(id)));
    db.models.Pile.addHook('beforeFind', (options) => void queries.push(options.where ? 'one pile' : 'every pile'));
  });
  beforeEach(() => (queries = []));
  afterAll(async () => {
    await db.close();
    await drop();
  });

  const aPile = (id: string, maxPowerW = 7000) => ({ id, code: id, stationId: 'st-reg', type: 'slow' as const, maxPowerW, connectorType: 'GB/T', protocol: 'mqtt' as const });

  it('answers every pile of a fleet hearing from all at once with one query', async () => {
    const registry = new PileRegistry({ db });
    const found = await Promise.all(['reg-1', 'reg-2', 'reg-3', 'reg-1'].map((id) => registry.lookup(id)));
    expect(found.map((p) => p?.pileId)).toEqual(['reg-1', 'reg-2', 'reg-3', 'reg-1']);
    expect(found[0]).toEqual({ pileId: 'reg-1', stationId: 'st-reg', maxPowerW: 7000, protocol: 'mqtt' });
    expect(queries).toEqual(['every pile']);
  });

  it('reads a pile added after the snapshot alone, and remembers an unknown id for a few seconds only', async () => {
    let now = 1_000_000;
    const registry = new PileRegistry({ db, ttlMs: 3_600_000, clock: () => now });
    expect(await registry.lookup('reg-new')).toBeUndefined();
    expect(await registry.lookup('reg-new')).toBeUndefined();
    expect(queries).toEqual(['every pile', 'one pile']);
    await catalogue.addPiles([aPile('reg-new')]);
    now += 5_000;
    expect(await registry.lookup('reg-new')).toMatchObject({ pileId: 'reg-new' });
    expect(await registry.lookup('reg-new')).toMatchObject({ pileId: 'reg-new' });
    expect(queries).toEqual(['every pile', 'one pile', 'one pile']);
  });

  it('serves the old snapshot while a new one is read after the TTL, then the new one', async () => {
    let now = 2_000_000;
    const registry = new PileRegistry({ db, ttlMs: 60_000, clock: () => now });
    expect(await registry.lookup('reg-2')).toMatchObject({ maxPowerW: 7000 });
    await db.models.Pile.update({ maxPowerW: 11000 }, { where: { id: 'reg-2' } });
    now += 60_000;
    expect(await registry.lookup('reg-2')).toMatchObject({ maxPowerW: 7000 }); // no lookup waits for the new read
    await eventually(() => registry.lookup('reg-2'), (pile) => pile?.maxPowerW === 11000);
    expect(queries).toEqual(['every pile', 'every pile']);
  });
});

