import { DataTypes, type QueryInterface } from 'sequelize';

/**
 * Abnormal-order review (issue 12): one row per staff decision on a session (approve, adjust with a refund of its
 * order to the driver's wallet, escalate). `refund_session_id` is set on the one refunding decision of a session and
 * unique, so a session's order is refunded at most once whatever retries or races do. `charging_sessions.review_state`
 * says where its review stands (null: never decided; `escalated`; `resolved`), and the search needs station and
 * needs-review indexes (and a session's commands, by session id).
 */
const at = () => ({ type: DataTypes.DATE(3), allowNull: false });

export async function up({ context: qi }: { context: QueryInterface }) {
  await qi.createTable('session_reviews', {
    id: { type: DataTypes.STRING(36), primaryKey: true },
    session_id: { type: DataTypes.STRING(36), allowNull: false },
    user_id: { type: DataTypes.STRING(36), allowNull: false },
    decision: { type: DataTypes.STRING(16), allowNull: false },
    refund_fen: { type: DataTypes.INTEGER, allowNull: true },
    refund_session_id: { type: DataTypes.STRING(36), allowNull: true, unique: true },
    note: { type: DataTypes.STRING(500), allowNull: false },
    staff_id: { type: DataTypes.STRING(36), allowNull: false },
    staff_name: { type: DataTypes.STRING(100), allowNull: false },
    staff_role: { type: DataTypes.STRING(16), allowNull: false },
    created_at: at(),
  });
  await qi.addIndex('session_reviews', ['session_id', 'created_at']);
  await qi.addColumn('charging_sessions', 'review_state', { type: DataTypes.STRING(16), allowNull: true });
  await qi.addIndex('charging_sessions', ['station_id', 'created_at']);
  await qi.addIndex('charging_sessions', ['needs_review', 'created_at']);
  await qi.addIndex('charging_sessions', ['created_at']);
  await qi.addIndex('pile_commands', ['session_id']);
}

export async function down({ context: qi }: { context: QueryInterface }) {
  await qi.removeIndex('pile_commands', ['session_id']);
  await qi.removeIndex('charging_sessions', ['created_at']);
  await qi.removeIndex('charging_sessions', ['needs_review', 'created_at']);
  await qi.removeIndex('charging_sessions', ['station_id', 'created_at']);
  await qi.removeColumn('charging_sessions', 'review_state');
  await qi.dropTable('session_reviews');
}
