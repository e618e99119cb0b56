import { DataTypes, type QueryInterface } from 'sequelize';

/**
 * Alarms that reach a person: an alarm's state, occurrences and escalation; its history (alarm_events); each
 * station's ordered on-call list; staff phones and WeChat openids. `open_key` (pile and kind) is set while the
 * alarm is unresolved and unique, so two gateways cannot open two alarms for one condition.
 */
const at = (allowNull = false) => ({ type: DataTypes.DATE(3), allowNull });

export async function up({ context: qi }: { context: QueryInterface }) {
  await qi.addColumn('alarms', 'state', { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'open' });
  await qi.addColumn('alarms', 'open_key', { type: DataTypes.STRING(100), allowNull: true });
  await qi.addColumn('alarms', 'station_id', { type: DataTypes.STRING(64), allowNull: true });
  await qi.addColumn('alarms', 'occurrences', { type: DataTypes.INTEGER, allowNull: false, defaultValue: 1 });
  await qi.addColumn('alarms', 'last_raised_at', at(true));
  await qi.addColumn('alarms', 'acknowledged_at', at(true));
  await qi.addColumn('alarms', 'acknowledged_by', { type: DataTypes.STRING(36), allowNull: true });
  await qi.addColumn('alarms', 'assignee_id', { type: DataTypes.STRING(36), allowNull: true });
  await qi.addColumn('alarms', 'resolved_at', at(true));
  await qi.addColumn('alarms', 'escalation_level', { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 });
  // Alarms of the old model were cleared or open; a cleared one is over.
  await qi.sequelize.query("UPDATE alarms SET state = 'resolved', resolved_at = cleared_at WHERE cleared_at IS NOT NULL");
  const openKey = qi.sequelize.getDialect() === 'sqlite' ? "pile_id || '|' || kind" : "CONCAT(pile_id, '|', kind)";
  await qi.sequelize.query(`UPDATE alarms SET open_key = ${openKey} WHERE cleared_at IS NULL`);
  await qi.addIndex('alarms', ['open_key'], { unique: true, name: 'alarms_open_key_unique' });
  await qi.addIndex('alarms', ['state', 'raised_at']);
  await qi.addIndex('alarms', ['station_id', 'state']);

  await qi.createTable('alarm_events', {
    id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
    alarm_id: { type: DataTypes.INTEGER, allowNull: false },
    at: at(),
    action: { type: DataTypes.STRING(16), allowNull: false },
    actor_id: { type: DataTypes.STRING(36), allowNull: true },
    actor_name: { type: DataTypes.STRING(100), allowNull: true },
    actor_role: { type: DataTypes.STRING(16), allowNull: true },
    detail: { type: DataTypes.STRING(1000), allowNull: true },
    /** Set for steps that must happen once (a notification per level): a retried activity finds it taken. */
    once_key: { type: DataTypes.STRING(100), allowNull: true, unique: true },
  });
  await qi.addIndex('alarm_events', ['alarm_id', 'id']);

  await qi.createTable('station_on_call', {
    station_id: { type: DataTypes.STRING(64), allowNull: false, primaryKey: true },
    position: { type: DataTypes.INTEGER, allowNull: false, primaryKey: true },
    staff_id: { type: DataTypes.STRING(36), allowNull: false },
  });

  await qi.addColumn('staff_accounts', 'phone', { type: DataTypes.STRING(20), allowNull: true });
  await qi.addColumn('staff_accounts', 'wechat_open_id', { type: DataTypes.STRING(64), allowNull: true });
}

export async function down({ context: qi }: { context: QueryInterface }) {
  await qi.removeColumn('staff_accounts', 'wechat_open_id');
  await qi.removeColumn('staff_accounts', 'phone');
  await qi.dropTable('station_on_call');
  await qi.dropTable('alarm_events');
  await qi.removeIndex('alarms', 'alarms_open_key_unique');
  for (const column of ['escalation_level', 'resolved_at', 'assignee_id', 'acknowledged_by', 'acknowledged_at', 'last_raised_at', 'occurrences', 'station_id', 'open_key', 'state']) {
    await qi.removeColumn('alarms', column);
  }
}
