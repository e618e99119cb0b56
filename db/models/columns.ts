import { DataTypes } from 'sequelize';

/** Column definitions the models share. A fresh object per call: Sequelize writes into the definitions it is given. */
export const money = () => ({ type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 });
export const timestamp = (allowNull = false) => ({ type: DataTypes.DATE(3), allowNull });
export const id36 = () => ({ type: DataTypes.STRING(36), allowNull: false });
/** Every table names its columns in snake_case. */
export const tableOptions = { underscored: true } as const;
