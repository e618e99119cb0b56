import { DataTypes, type QueryInterface } from 'sequelize';

/**
 * Chargers with several connectors (issue 15, ADR 0011): each connector of an OCPP charger is a pile record of its own
 * (the code a driver scans), tied to its charger by the charger's chargePointId and its connector number, so two
 * sessions can run on one charger at once. Chargers added before (one pile whose id is the chargePointId) become
 * connector 1 of themselves. And a station's power cap is stored, so it is applied again when a charger boots.
 */
const at = (allowNull = false) => ({ type: DataTypes.DATE(3), allowNull });

export async function up({ context: qi }: { context: QueryInterface }) {
  await qi.addColumn('piles', 'ocpp_charger_id', { type: DataTypes.STRING(64), allowNull: true });
  await qi.addColumn('piles', 'ocpp_connector_id', { type: DataTypes.INTEGER, allowNull: true });
  await qi.sequelize.query("UPDATE piles SET ocpp_charger_id = id, ocpp_connector_id = 1 WHERE protocol = 'ocpp1.6'");
  await qi.addIndex('piles', ['ocpp_charger_id', 'ocpp_connector_id'], { unique: true });
  await qi.createTable('station_power_caps', {
    station_id: { type: DataTypes.STRING(64), primaryKey: true },
    cap_w: { type: DataTypes.INTEGER, allowNull: false },
    reason: { type: DataTypes.STRING(500), allowNull: false },
    set_by_id: { type: DataTypes.STRING(36), allowNull: false },
    set_by_name: { type: DataTypes.STRING(100), allowNull: false },
    created_at: at(),
    updated_at: at(),
  });
}

export async function down({ context: qi }: { context: QueryInterface }) {
  await qi.dropTable('station_power_caps');
  await qi.removeIndex('piles', ['ocpp_charger_id', 'ocpp_connector_id']);
  await qi.removeColumn('piles', 'ocpp_connector_id');
  await qi.removeColumn('piles', 'ocpp_charger_id');
}
