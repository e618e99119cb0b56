import { type CreationOptional, DataTypes, type InferAttributes, type InferCreationAttributes, Model, type Sequelize } from 'sequelize';
import type { OperatorCommandState, PileCommandParams, PileCommandType } from '../../domain/pile-command';
import { tableOptions, timestamp } from './columns';
import { jsonColumn } from './json-column';

/** One operator command to a pile (migration 0006); its workflow writes each state change. */
class PileCommandRow extends Model<InferAttributes<PileCommandRow>, InferCreationAttributes<PileCommandRow>> {
  declare seq: CreationOptional<number>;
  declare commandId: string;
  declare pileId: string;
  declare pileCode: string;
  declare type: PileCommandType;
  declare params: PileCommandParams;
  declare reason: string;
  declare state: OperatorCommandState;
  declare requestedById: string;
  declare requestedByName: string;
  declare requestedByRole: string;
  declare sessionId: string | null;
  declare workflowId: string;
  declare attempts: CreationOptional<number>;
  declare detail: string | null;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
}
export type PileCommandEntry = PileCommandRow;

export function definePileCommandModels(sequelize: Sequelize) {
  class PileCommandEntry extends PileCommandRow {}
  PileCommandEntry.init(
    {
      seq: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      commandId: { type: DataTypes.STRING(36), allowNull: false, unique: true },
      pileId: { type: DataTypes.STRING(64), allowNull: false },
      pileCode: { type: DataTypes.STRING(64), allowNull: false },
      type: { type: DataTypes.STRING(16), allowNull: false },
      params: jsonColumn<PileCommandParams>('params'),
      reason: { type: DataTypes.STRING(500), allowNull: false },
      state: { type: DataTypes.STRING(16), allowNull: false },
      requestedById: { type: DataTypes.STRING(36), allowNull: false },
      requestedByName: { type: DataTypes.STRING(100), allowNull: false },
      requestedByRole: { type: DataTypes.STRING(16), allowNull: false },
      sessionId: { type: DataTypes.STRING(36), allowNull: true },
      workflowId: { type: DataTypes.STRING(120), allowNull: false },
      attempts: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
      detail: { type: DataTypes.STRING(500), allowNull: true },
      createdAt: timestamp(),
      updatedAt: timestamp(),
    },
    { sequelize, ...tableOptions, tableName: 'pile_commands' },
  );
  return { PileCommandEntry };
}
