import { DataTypes, type QueryInterface } from 'sequelize';

/** A driver withdraws unused balance: refunded against the top-ups it came from, one refund per top-up share. */
const at = (allowNull = false) => ({ type: DataTypes.DATE(3), allowNull });

export async function up({ context: qi }: { context: QueryInterface }) {
  await qi.createTable('withdrawals', {
    id: { type: DataTypes.STRING(36), primaryKey: true },
    user_id: { type: DataTypes.STRING(36), allowNull: false },
    amount_fen: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    idempotency_key: { type: DataTypes.STRING(128), allowNull: false, unique: true },
    created_at: at(),
    updated_at: at(),
  });
  await qi.addIndex('withdrawals', ['user_id', 'created_at']);
  await qi.createTable('refunds', {
    out_refund_no: { type: DataTypes.STRING(64), primaryKey: true },
    user_id: { type: DataTypes.STRING(36), allowNull: false },
    withdrawal_id: { type: DataTypes.STRING(36), allowNull: true },
    top_up_id: { type: DataTypes.STRING(36), allowNull: false },
    provider: { type: DataTypes.STRING(32), allowNull: false },
    amount_fen: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    top_up_amount_fen: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    status: { type: DataTypes.STRING(16), allowNull: false },
    provider_refund_id: { type: DataTypes.STRING(64), allowNull: true },
    settled_at: at(true),
    created_at: at(),
    updated_at: at(),
  });
  await qi.addIndex('refunds', ['top_up_id']);
  await qi.addIndex('refunds', ['withdrawal_id']);
  await qi.addIndex('refunds', ['status']);
}

export async function down({ context: qi }: { context: QueryInterface }) {
  await qi.dropTable('refunds');
  await qi.dropTable('withdrawals');
}
