import { type CreationOptional, DataTypes, type InferAttributes, type InferCreationAttributes, Model, type Sequelize } from 'sequelize';
import { id36, tableOptions, timestamp } from './columns';
import type { Role } from './users';

/** The roles a staff account may hold; a driver is never staff. */
export const STAFF_ROLES = ['operator', 'support', 'admin'] as const satisfies readonly Role[];
export type StaffRole = (typeof STAFF_ROLES)[number];

/**
 * How a staff member signs in, beside their `users` row (same id, the staff role): ids in sessions, feedback and
 * workflows stay user ids. A null password hash is an account that cannot sign in by password (dev login's staff).
 * `tokenVersion` is in every token issued to the account; disabling it or resetting its password bumps it.
 */
class StaffAccountRow extends Model<InferAttributes<StaffAccountRow>, InferCreationAttributes<StaffAccountRow>> {
  declare userId: string;
  declare username: string;
  declare passwordHash: string | null;
  /** Base32 TOTP secret once enrolment is confirmed; `pendingTotpSecret` until then. */
  declare totpSecret: string | null;
  declare pendingTotpSecret: string | null;
  declare tokenVersion: CreationOptional<number>;
  declare disabledAt: Date | null;
  /** Where alarms reach this person: an E.164 phone for SMS, an openid for WeChat subscribe messages. */
  declare phone: CreationOptional<string | null>;
  declare wechatOpenId: CreationOptional<string | null>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
}
export type StaffAccount = StaffAccountRow;

/** One staff action (or sign-in attempt). Rows are only ever inserted. */
class AuditEntryRow extends Model<InferAttributes<AuditEntryRow>, InferCreationAttributes<AuditEntryRow>> {
  declare id: CreationOptional<number>;
  declare at: Date;
  /** The acting user; null for a failed sign-in, where only the name typed is known. */
  declare actorId: string | null;
  declare actorName: string;
  declare actorRole: string | null;
  declare action: string;
  declare target: string | null;
  declare reason: string | null;
  /** `ok`, or the error code the action failed with. */
  declare result: string;
}
export type AuditEntry = AuditEntryRow;

export function defineStaffModels(sequelize: Sequelize) {
  const common = { sequelize, ...tableOptions };
  class StaffAccount extends StaffAccountRow {}
  StaffAccount.init(
    {
      userId: { ...id36(), primaryKey: true },
      username: { type: DataTypes.STRING(64), allowNull: false, unique: true },
      passwordHash: { type: DataTypes.STRING(255), allowNull: true },
      totpSecret: { type: DataTypes.STRING(64), allowNull: true },
      pendingTotpSecret: { type: DataTypes.STRING(64), allowNull: true },
      tokenVersion: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
      disabledAt: timestamp(true),
      phone: { type: DataTypes.STRING(20), allowNull: true },
      wechatOpenId: { type: DataTypes.STRING(64), allowNull: true },
      createdAt: timestamp(),
      updatedAt: timestamp(),
    },
    { ...common, tableName: 'staff_accounts' },
  );
  class AuditEntry extends AuditEntryRow {}
  AuditEntry.init(
    {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      at: timestamp(),
      actorId: { type: DataTypes.STRING(36), allowNull: true },
      actorName: { type: DataTypes.STRING(100), allowNull: false },
      actorRole: { type: DataTypes.STRING(16), allowNull: true },
      action: { type: DataTypes.STRING(64), allowNull: false },
      target: { type: DataTypes.STRING(120), allowNull: true },
      reason: { type: DataTypes.STRING(500), allowNull: true },
      result: { type: DataTypes.STRING(32), allowNull: false },
    },
    { ...common, tableName: 'audit_log', timestamps: false },
  );
  return { StaffAccount, AuditEntry };
}
