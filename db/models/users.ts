import { type CreationOptional, DataTypes, type InferAttributes, type InferCreationAttributes, Model, type Sequelize } from 'sequelize';
import { tableOptions, timestamp } from './columns';

export const ROLES = ['driver', 'operator', 'support', 'admin'] as const;
export type Role = (typeof ROLES)[number];

class UserRow extends Model<InferAttributes<UserRow>, InferCreationAttributes<UserRow>> {
  declare id: string;
  declare name: string;
  declare role: Role;
  declare wechatOpenId: string | null;
  /** A driver's mobile number, digits only (e.g. 13800138000); searchable in the console. */
  declare phone: CreationOptional<string | null>;
  /** Set while the account is frozen: no new session, reservation or top-up (db/driver-accounts.ts). */
  declare frozenAt: CreationOptional<Date | null>;
  declare frozenReason: CreationOptional<string | null>;
  /** The staff member who froze it. */
  declare frozenBy: CreationOptional<string | null>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
}
export type User = UserRow;

export function defineUserModels(sequelize: Sequelize) {
  class User extends UserRow {}
  User.init(
    {
      id: { type: DataTypes.STRING(36), primaryKey: true },
      name: { type: DataTypes.STRING(100), allowNull: false },
      role: { type: DataTypes.STRING(16), allowNull: false },
      wechatOpenId: { type: DataTypes.STRING(64), allowNull: true, unique: true },
      phone: { type: DataTypes.STRING(20), allowNull: true },
      frozenAt: timestamp(true),
      frozenReason: { type: DataTypes.STRING(500), allowNull: true },
      frozenBy: { type: DataTypes.STRING(36), allowNull: true },
      createdAt: timestamp(),
      updatedAt: timestamp(),
    },
    { sequelize, ...tableOptions, tableName: 'users' },
  );
  return { User };
}
