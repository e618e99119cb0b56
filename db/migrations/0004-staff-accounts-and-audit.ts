import { DataTypes, type QueryInterface } from 'sequelize';

/** Staff sign-in beside the users table (ADR 0009), and the append-only audit log of staff actions. */
const at = (allowNull = false) => ({ type: DataTypes.DATE(3), allowNull });

export async function up({ context: qi }: { context: QueryInterface }) {
  await qi.createTable('staff_accounts', {
    user_id: { type: DataTypes.STRING(36), allowNull: false, primaryKey: true },
    username: { type: DataTypes.STRING(64), allowNull: false, unique: true },
    password_hash: { type: DataTypes.STRING(255), allowNull: true },
    totp_secret: { type: DataTypes.STRING(64), allowNull: true },
    pending_totp_secret: { type: DataTypes.STRING(64), allowNull: true },
    token_version: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    disabled_at: at(true),
    created_at: at(),
    updated_at: at(),
  });
  await qi.createTable('audit_log', {
    id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
    at: at(),
    actor_id: { type: DataTypes.STRING(36), allowNull: true },
    actor_name: { type: DataTypes.STRING(100), allowNull: false },
    actor_role: { type: DataTypes.STRING(16), allowNull: true },
    action: { type: DataTypes.STRING(64), allowNull: false },
    target: { type: DataTypes.STRING(120), allowNull: true },
    reason: { type: DataTypes.STRING(500), allowNull: true },
    result: { type: DataTypes.STRING(32), allowNull: false },
  });
  await qi.addIndex('audit_log', ['actor_id', 'id']);
  await qi.addIndex('audit_log', ['action', 'id']);
  await qi.addIndex('audit_log', ['target', 'id']);
  await qi.addIndex('audit_log', ['at']);
}

export async function down({ context: qi }: { context: QueryInterface }) {
  await qi.dropTable('audit_log');
  await qi.dropTable('staff_accounts');
}
