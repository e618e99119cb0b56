import { DataTypes, type QueryInterface } from 'sequelize';

/**
 * RFID cards (issue 15): an OCPP id tag a driver taps on a charger, mapped to that driver. A transaction a charger
 * starts locally with a mapped, active tag becomes a session of the driver's (same workflow, same pre-authorization);
 * any other tag is refused. Staff add and block tags; a tag is never deleted (its sessions point at its driver).
 */
const at = (allowNull = false) => ({ type: DataTypes.DATE(3), allowNull });

export async function up({ context: qi }: { context: QueryInterface }) {
  await qi.createTable('id_tags', {
    id_tag: { type: DataTypes.STRING(20), primaryKey: true },
    user_id: { type: DataTypes.STRING(36), allowNull: false },
    status: { type: DataTypes.STRING(16), allowNull: false },
    created_at: at(),
    updated_at: at(),
  });
  await qi.addIndex('id_tags', ['user_id']);
}

export async function down({ context: qi }: { context: QueryInterface }) {
  await qi.dropTable('id_tags');
}
