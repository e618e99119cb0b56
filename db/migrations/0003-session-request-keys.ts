import { DataTypes, type QueryInterface } from 'sequelize';

/** Session ids are random; a retried session request finds its session through its Idempotency-Key here. */
export async function up({ context: qi }: { context: QueryInterface }) {
  await qi.createTable('session_request_keys', {
    user_id: { type: DataTypes.STRING(36), allowNull: false, primaryKey: true },
    idempotency_key: { type: DataTypes.STRING(100), allowNull: false, primaryKey: true },
    session_id: { type: DataTypes.STRING(36), allowNull: false, unique: true },
    created_at: { type: DataTypes.DATE(3), allowNull: false },
  });
}

export async function down({ context: qi }: { context: QueryInterface }) {
  await qi.dropTable('session_request_keys');
}
