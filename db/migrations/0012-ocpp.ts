import { DataTypes, type QueryInterface } from 'sequelize';

/**
 * The OCPP 1.6J front door (issue 15): each pile says which protocol it speaks (`mqtt`, ours, or `ocpp1.6`), and
 * every OCPP transaction a charger starts for a session gets a row whose auto-increment id is the transactionId
 * the charger is told. The row ties the charger's later MeterValues and StopTransaction (also when replayed after
 * an outage) to the session, and remembers that the stop was already taken, so a repeated one changes nothing.
 */
const at = (allowNull = false) => ({ type: DataTypes.DATE(3), allowNull });

export async function up({ context: qi }: { context: QueryInterface }) {
  await qi.addColumn('piles', 'protocol', { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'mqtt' });
  await qi.createTable('ocpp_transactions', {
    transaction_id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
    pile_id: { type: DataTypes.STRING(64), allowNull: false },
    session_id: { type: DataTypes.STRING(36), allowNull: false, unique: true },
    connector_id: { type: DataTypes.INTEGER, allowNull: false },
    id_tag: { type: DataTypes.STRING(20), allowNull: false },
    meter_start_wh: { type: DataTypes.INTEGER, allowNull: false },
    started_at: at(),
    meter_stop_wh: { type: DataTypes.INTEGER, allowNull: true },
    stopped_at: at(true),
    created_at: at(),
    updated_at: at(),
  });
  await qi.addIndex('ocpp_transactions', ['pile_id', 'transaction_id']);
}

export async function down({ context: qi }: { context: QueryInterface }) {
  await qi.dropTable('ocpp_transactions');
  await qi.removeColumn('piles', 'protocol');
}
