import { type CreationOptional, DataTypes, type InferAttributes, type InferCreationAttributes, Model, type Sequelize } from 'sequelize';
import { tableOptions, timestamp } from './columns';

export const ROLES = ['driver', 'operator', 'support', 'admin'] as const;
export type Role = (typeof ROLES)[number];

class UserRow extends Model<InferAttributes<UserRow>, InferCreationAttributes<UserRow>> {
  declare id: string;
  declare name: string;
  declare role: Role;
  declare wechatOpenId: string | null;
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
      createdAt: timestamp(),
      updatedAt: timestamp(),
    },
    { sequelize, ...tableOptions, tableName: 'users' },
  );
  return { User };
}
