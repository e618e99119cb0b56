import { DataTypes, type QueryInterface } from 'sequelize';

/**
 * Whether each driver enabled WeChat Pay Score for our service: the state WeChat Pay last told us and as of when
 * (a notification's time, or the moment it answered a query), under the authorization_code we gave for the driver.
 */
export async function up({ context: qi }: { context: QueryInterface }) {
  await qi.createTable('payscore_authorizations', {
    user_id: { type: DataTypes.STRING(36), primaryKey: true },
    authorization_code: { type: DataTypes.STRING(32), allowNull: false, unique: true },
    state: { type: DataTypes.STRING(16), allowNull: false },
    state_at: { type: DataTypes.DATE(3), allowNull: true },
    created_at: { type: DataTypes.DATE(3), allowNull: false },
    updated_at: { type: DataTypes.DATE(3), allowNull: false },
  });
}

export async function down({ context: qi }: { context: QueryInterface }) {
  await qi.dropTable('payscore_authorizations');
}
