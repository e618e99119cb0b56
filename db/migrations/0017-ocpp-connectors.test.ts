import { SequelizeStorage, Umzug } from 'umzug';
import { createTestDatabase, createTestSqliteDir } from '../../test/support/services';
import { createDatabase, type Database, MIGRATIONS } from '../database';
import { PileRegistry } from '../pile-registry';

describe.each([
  ['MariaDB', async () => createTestDatabase().then((d) => ({ db: createDatabase({ mysqlUrl: d.url, dataDir: '.unused' }), drop: d.drop }))],
  ['SQLite', async () => createTestSqliteDir().then((d) => ({ db: createDatabase({ dataDir: d.dir }), drop: d.drop }))],
])('migration 0017 on %s', (_dialect, fresh) => {
  let db: Database;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    ({ db, drop } = await fresh());
    const qi = db.sequelize.getQueryInterface();
    const before = MIGRATIONS.filter((m) => m.name < '0017');
    await new Umzug({ migrations: before, context: qi, storage: new SequelizeStorage({ sequelize: db.sequelize, tableName: 'schema_migrations' }), logger: undefined }).up();
    const now = new Date();
    const pile = (id: string, protocol: string) => ({ id, code: id, station_id: 'st-1', type: 'fast', max_power_w: 60000, connector_type: 'GB/T', protocol, created_at: now, updated_at: now });
    await qi.bulkInsert('piles', [pile('cp-old', 'ocpp1.6'), pile('mq-old', 'mqtt')]);
    await db.migrate();
  });
  afterAll(async () => {
    await db.close();
    await drop();
  });

  it('makes each charger added before connectors connector 1 of a charger of its own id, so it connects as before', async () => {
    expect(await db.models.Pile.findByPk('cp-old')).toMatchObject({ ocppChargerId: 'cp-old', ocppConnectorId: 1 });
    expect(await new PileRegistry({ db }).connectorsOf('cp-old')).toEqual([
      { pileId: 'cp-old', stationId: 'st-1', maxPowerW: 60000, protocol: 'ocpp1.6', ocpp: { chargerId: 'cp-old', connectorId: 1 } },
    ]);
  });

  it('leaves MQTT piles without a charger', async () => {
    expect(await db.models.Pile.findByPk('mq-old')).toMatchObject({ ocppChargerId: null, ocppConnectorId: null });
    expect(await new PileRegistry({ db }).connectorsOf('mq-old')).toEqual([]);
  });
});
