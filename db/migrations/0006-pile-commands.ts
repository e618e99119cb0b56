import { DataTypes, type QueryInterface } from 'sequelize';

/**
 * Operators' remote commands (issue 11): one row per command, written by its workflow at each state change, so the
 * API lists and filters commands without asking Temporal. `seq` orders them and pages the list.
 */
const at = () => ({ type: DataTypes.DATE(3), allowNull: false });

export async function up({ context: qi }: { context: QueryInterface }) {
  await qi.createTable('pile_commands', {
    seq: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
    command_id: { type: DataTypes.STRING(36), allowNull: false, unique: true },
    pile_id: { type: DataTypes.STRING(64), allowNull: false },
    pile_code: { type: DataTypes.STRING(64), allowNull: false },
    type: { type: DataTypes.STRING(16), allowNull: false },
    params: { type: DataTypes.TEXT, allowNull: false },
    reason: { type: DataTypes.STRING(500), allowNull: false },
    state: { type: DataTypes.STRING(16), allowNull: false },
    requested_by_id: { type: DataTypes.STRING(36), allowNull: false },
    requested_by_name: { type: DataTypes.STRING(100), allowNull: false },
    requested_by_role: { type: DataTypes.STRING(16), allowNull: false },
    session_id: { type: DataTypes.STRING(36), allowNull: true },
    workflow_id: { type: DataTypes.STRING(120), allowNull: false },
    attempts: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    detail: { type: DataTypes.STRING(500), allowNull: true },
    created_at: at(),
    updated_at: at(),
  });
  await qi.addIndex('pile_commands', ['pile_code', 'seq']);
  await qi.addIndex('pile_commands', ['state', 'seq']);
}

export async function down({ context: qi }: { context: QueryInterface }) {
  await qi.dropTable('pile_commands');
}
