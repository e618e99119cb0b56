import { DataTypes, type QueryInterface } from 'sequelize';

/**
 * Pay-as-you-go with WeChat Pay Score: how each session pays (recorded when it opens), its Payscore service order,
 * and refunds of part of a Payscore-paid order back to WeChat Pay.
 */
const at = (allowNull = false) => ({ type: DataTypes.DATE(3), allowNull });

export async function up({ context: qi }: { context: QueryInterface }) {
  await qi.addColumn('charging_sessions', 'payment_mode', { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'wallet' });
  await qi.createTable('payscore_orders', {
    session_id: { type: DataTypes.STRING(36), primaryKey: true },
    out_order_no: { type: DataTypes.STRING(32), allowNull: false, unique: true },
    user_id: { type: DataTypes.STRING(36), allowNull: false },
    state: { type: DataTypes.STRING(16), allowNull: false },
    risk_fen: { type: DataTypes.INTEGER, allowNull: false },
    total_fen: { type: DataTypes.INTEGER, allowNull: true },
    order_id: { type: DataTypes.STRING(64), allowNull: true },
    transaction_id: { type: DataTypes.STRING(64), allowNull: true },
    decline_reason: { type: DataTypes.STRING(200), allowNull: true },
    paid_at: at(true),
    created_at: at(),
    updated_at: at(),
  });
  await qi.addIndex('payscore_orders', ['state', 'created_at']);
  await qi.createTable('payscore_refunds', {
    out_refund_no: { type: DataTypes.STRING(64), primaryKey: true },
    session_id: { type: DataTypes.STRING(36), allowNull: false, unique: true },
    user_id: { type: DataTypes.STRING(36), allowNull: false },
    amount_fen: { type: DataTypes.INTEGER, allowNull: false },
    status: { type: DataTypes.STRING(16), allowNull: false },
    provider_refund_id: { type: DataTypes.STRING(64), allowNull: true },
    settled_at: at(true),
    created_at: at(),
    updated_at: at(),
  });
}

export async function down({ context: qi }: { context: QueryInterface }) {
  await qi.dropTable('payscore_refunds');
  await qi.dropTable('payscore_orders');
  await qi.removeColumn('charging_sessions', 'payment_mode');
}
