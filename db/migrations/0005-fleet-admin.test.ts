import { SequelizeStorage, Umzug } from 'umzug';
import { BOTH_DIALECTS } from '../../test/support/fresh-database';
import type { Database } from '../database';
import * as initialSchema from './0001-initial-schema';
import * as driverFeatures from './0002-driver-features';
import * as sessionRequestKeys from './0003-session-request-keys';
import * as staffAccounts from './0004-staff-accounts-and-audit';

const BEFORE_FLEET_ADMIN = [
  { name: '0001-initial-schema', ...initialSchema },
  { name: '0002-driver-features', ...driverFeatures },
  { name: '0003-session-request-keys', ...sessionRequestKeys },
  { name: '0004-staff-accounts-and-audit', ...staffAccounts },
];

const tariff = {
  id: 'legacy-tou',
  name: 'Legacy time-of-use',
  utcOffsetMinutes: 480,
  bands: [{ name: 'all day', from: '00:00', to: '24:00', electricityFenPerKwh: 60, serviceFenPerKwh: 40 }],
  idleFeeFenPerMinute: 0,
  idleGraceMinutes: 0,
};

describe.each(BOTH_DIALECTS)('migration 0005 on %s', (_dialect, fresh) => {
  let db: Database;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    ({ db, drop } = await fresh());
    const qi = db.sequelize.getQueryInterface();
    await new Umzug({ migrations: BEFORE_FLEET_ADMIN, context: qi, storage: new SequelizeStorage({ sequelize: db.sequelize, tableName: 'schema_migrations' }), logger: undefined }).up();
    const now = new Date();
    await qi.bulkInsert('tariffs', [{ id: tariff.id, definition: JSON.stringify(tariff), created_at: now, updated_at: now }]);
    await qi.bulkInsert('stations', [{ id: 'st-1', name: 'Old', address: 'A', lat: 1, lng: 2, opening_hours: '24h', tariff_id: tariff.id, created_at: now, updated_at: now }]);
    await qi.bulkInsert('piles', [{ id: 'p-1', code: 'p-1', station_id: 'st-1', type: 'fast', max_power_w: 60000, connector_type: 'GB/T', created_at: now, updated_at: now }]);
    await db.migrate();
  });
  afterAll(async () => {
    await db.close();
    await drop();
  });

  it("turns each existing tariff's definition into its version 1, in force since the epoch", async () => {
    const { id, ...definition } = tariff;
    expect((await db.models.TariffRecord.findByPk(id))?.name).toBe(tariff.name);
    const versions = await db.models.TariffVersionRecord.findAll({ where: { tariffId: id } });
    expect(versions.map((v) => ({ version: v.version, effectiveFrom: v.effectiveFrom.getTime(), definition: v.definition }))).toEqual([{ version: 1, effectiveFrom: 0, definition }]);
  });

  it('keeps stations and piles in service, with one connector each', async () => {
    expect((await db.models.Station.findByPk('st-1'))?.retiredAt).toBeNull();
    expect(await db.models.Pile.findByPk('p-1')).toMatchObject({ connectorCount: 1, retiredAt: null });
  });
});
