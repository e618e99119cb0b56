import { DataTypes, type QueryInterface } from 'sequelize';

/**
 * Fleet management (issue 11): stations and piles can be retired (kept for their history), piles say how many
 * connectors they have, and tariffs are versioned. A `tariffs` row stays the tariff's identity and name; each
 * definition is a `tariff_versions` row in force from its `effective_from`. Existing definitions become version 1,
 * in force since the epoch.
 */
const at = (allowNull = false) => ({ type: DataTypes.DATE(3), allowNull });

export async function up({ context: qi }: { context: QueryInterface }) {
  await qi.addColumn('stations', 'retired_at', at(true));
  await qi.addColumn('piles', 'connector_count', { type: DataTypes.INTEGER, allowNull: false, defaultValue: 1 });
  await qi.addColumn('piles', 'retired_at', at(true));

  await qi.createTable('tariff_versions', {
    id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
    tariff_id: { type: DataTypes.STRING(64), allowNull: false },
    version: { type: DataTypes.INTEGER, allowNull: false },
    effective_from: at(),
    definition: { type: DataTypes.TEXT, allowNull: false },
    created_at: at(),
    created_by_id: { type: DataTypes.STRING(36), allowNull: true },
    created_by_name: { type: DataTypes.STRING(100), allowNull: true },
  });
  await qi.addIndex('tariff_versions', ['tariff_id', 'version'], { unique: true });
  await qi.addIndex('tariff_versions', ['tariff_id', 'effective_from']);

  await qi.addColumn('tariffs', 'name', { type: DataTypes.STRING(200), allowNull: true });
  const rows = (await qi.sequelize.query('SELECT id, definition, created_at FROM tariffs', { type: 'SELECT' })) as { id: string; definition: string; created_at: Date | string }[];
  for (const row of rows) {
    const { id: _id, ...definition } = JSON.parse(row.definition) as { id: string; name?: string };
    await qi.bulkInsert('tariff_versions', [
      { tariff_id: row.id, version: 1, effective_from: new Date(0), definition: JSON.stringify(definition), created_at: new Date(row.created_at), created_by_id: null, created_by_name: null },
    ]);
    await qi.bulkUpdate('tariffs', { name: String(definition.name ?? row.id).slice(0, 200) }, { id: row.id });
  }
  await qi.changeColumn('tariffs', 'name', { type: DataTypes.STRING(200), allowNull: false });
  await qi.removeColumn('tariffs', 'definition');
}

export async function down({ context: qi }: { context: QueryInterface }) {
  await qi.addColumn('tariffs', 'definition', { type: DataTypes.TEXT, allowNull: true });
  const rows = (await qi.sequelize.query(
    'SELECT v.tariff_id, v.definition FROM tariff_versions v WHERE v.version = (SELECT MAX(w.version) FROM tariff_versions w WHERE w.tariff_id = v.tariff_id)',
    { type: 'SELECT' },
  )) as { tariff_id: string; definition: string }[];
  for (const row of rows) await qi.bulkUpdate('tariffs', { definition: JSON.stringify({ id: row.tariff_id, ...JSON.parse(row.definition) }) }, { id: row.tariff_id });
  await qi.removeColumn('tariffs', 'name');
  await qi.dropTable('tariff_versions');
  await qi.removeColumn('piles', 'retired_at');
  await qi.removeColumn('piles', 'connector_count');
  await qi.removeColumn('stations', 'retired_at');
}
