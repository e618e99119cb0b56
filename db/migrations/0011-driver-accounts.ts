import { DataTypes, type QueryInterface } from 'sequelize';

/**
 * Drivers in the console (issue 12): a driver's phone (searchable), the account's freeze (when, why, by whom), a
 * staff member a feedback item is assigned to, and the index the driver page's open holds are read by.
 */
const at = () => ({ type: DataTypes.DATE(3), allowNull: true });

export async function up({ context: qi }: { context: QueryInterface }) {
  await qi.addColumn('users', 'phone', { type: DataTypes.STRING(20), allowNull: true });
  await qi.addColumn('users', 'frozen_at', at());
  await qi.addColumn('users', 'frozen_reason', { type: DataTypes.STRING(500), allowNull: true });
  await qi.addColumn('users', 'frozen_by', { type: DataTypes.STRING(36), allowNull: true });
  await qi.addIndex('users', ['phone']);
  await qi.addIndex('users', ['name']);
  await qi.addIndex('users', ['role', 'created_at']);
  await qi.addColumn('feedback', 'assignee_id', { type: DataTypes.STRING(36), allowNull: true });
  await qi.addIndex('feedback', ['assignee_id', 'status']);
  await qi.addIndex('feedback', ['status', 'created_at']);
  await qi.addIndex('payment_holds', ['user_id', 'status']);
}

export async function down({ context: qi }: { context: QueryInterface }) {
  await qi.removeIndex('payment_holds', ['user_id', 'status']);
  await qi.removeIndex('feedback', ['status', 'created_at']);
  await qi.removeIndex('feedback', ['assignee_id', 'status']);
  await qi.removeColumn('feedback', 'assignee_id');
  await qi.removeIndex('users', ['role', 'created_at']);
  await qi.removeIndex('users', ['name']);
  await qi.removeIndex('users', ['phone']);
  for (const column of ['frozen_by', 'frozen_reason', 'frozen_at', 'phone']) await qi.removeColumn('users', column);
}
