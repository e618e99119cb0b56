import { DataTypes, type QueryInterface } from 'sequelize';

/** Daily reconciliation with the payment provider's bills, and the provider's own time of each payment. */
const at = (allowNull = false) => ({ type: DataTypes.DATE(3), allowNull });

export async function up({ context: qi }: { context: QueryInterface }) {
  await qi.addColumn('wechat_pay_orders', 'paid_at', at(true));
  await qi.createTable('reconciliation_runs', {
    id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
    bill_date: { type: DataTypes.STRING(10), allowNull: false },
    provider: { type: DataTypes.STRING(32), allowNull: false },
    provider_lines: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    books_lines: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    mismatches: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    ran_at: at(),
  });
  await qi.addIndex('reconciliation_runs', ['provider', 'bill_date']);
  await qi.createTable('reconciliation_mismatches', {
    id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
    bill_date: { type: DataTypes.STRING(10), allowNull: false },
    provider: { type: DataTypes.STRING(32), allowNull: false },
    kind: { type: DataTypes.STRING(24), allowNull: false },
    movement: { type: DataTypes.STRING(16), allowNull: false },
    reference: { type: DataTypes.STRING(64), allowNull: false },
    books_fen: { type: DataTypes.INTEGER, allowNull: true },
    provider_fen: { type: DataTypes.INTEGER, allowNull: true },
    found_at: at(),
    resolved_at: at(true),
    resolved_by_id: { type: DataTypes.STRING(36), allowNull: true },
    resolved_by_name: { type: DataTypes.STRING(100), allowNull: true },
    note: { type: DataTypes.STRING(500), allowNull: true },
  });
  await qi.addIndex('reconciliation_mismatches', ['provider', 'bill_date', 'movement', 'reference', 'kind'], { unique: true, name: 'reconciliation_mismatches_line' });
  await qi.addIndex('reconciliation_mismatches', ['resolved_at', 'id']);
}

export async function down({ context: qi }: { context: QueryInterface }) {
  await qi.dropTable('reconciliation_mismatches');
  await qi.dropTable('reconciliation_runs');
  await qi.removeColumn('wechat_pay_orders', 'paid_at');
}
