import { type CreationOptional, DataTypes, type InferAttributes, type InferCreationAttributes, Model, type Sequelize } from 'sequelize';
import type { MismatchKind } from '../../domain/reconciliation';
import { tableOptions, timestamp } from './columns';

class ReconciliationRunRow extends Model<InferAttributes<ReconciliationRunRow>, InferCreationAttributes<ReconciliationRunRow>> {
  declare id: CreationOptional<number>;
  /** The provider's bill day, YYYY-MM-DD in China time. */
  declare billDate: string;
  declare provider: string;
  declare providerLines: number;
  declare booksLines: number;
  declare mismatches: number;
  declare ranAt: Date;
}
export type ReconciliationRun = ReconciliationRunRow;

class ReconciliationMismatchRow extends Model<InferAttributes<ReconciliationMismatchRow>, InferCreationAttributes<ReconciliationMismatchRow>> {
  declare id: CreationOptional<number>;
  declare billDate: string;
  declare provider: string;
  declare kind: MismatchKind;
  declare movement: 'payment' | 'refund';
  /** out_trade_no of a payment, out_refund_no of a refund. */
  declare reference: string;
  declare booksFen: number | null;
  declare providerFen: number | null;
  declare foundAt: Date;
  declare resolvedAt: Date | null;
  declare resolvedById: string | null;
  declare resolvedByName: string | null;
  declare note: string | null;
}
export type ReconciliationMismatch = ReconciliationMismatchRow;

/** Reconciliation of our books with the payment provider's daily bills: each run, and each line that disagreed. */
export function defineReconciliationModels(sequelize: Sequelize) {
  const common = { sequelize, ...tableOptions, timestamps: false };
  class ReconciliationRun extends ReconciliationRunRow {}
  ReconciliationRun.init(
    {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      billDate: { type: DataTypes.STRING(10), allowNull: false },
      provider: { type: DataTypes.STRING(32), allowNull: false },
      providerLines: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
      booksLines: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
      mismatches: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
      ranAt: timestamp(),
    },
    { ...common, tableName: 'reconciliation_runs' },
  );
  class ReconciliationMismatch extends ReconciliationMismatchRow {}
  ReconciliationMismatch.init(
    {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      billDate: { type: DataTypes.STRING(10), allowNull: false },
      provider: { type: DataTypes.STRING(32), allowNull: false },
      kind: { type: DataTypes.STRING(24), allowNull: false },
      movement: { type: DataTypes.STRING(16), allowNull: false },
      reference: { type: DataTypes.STRING(64), allowNull: false },
      booksFen: { type: DataTypes.INTEGER, allowNull: true },
      providerFen: { type: DataTypes.INTEGER, allowNull: true },
      foundAt: timestamp(),
      resolvedAt: timestamp(true),
      resolvedById: { type: DataTypes.STRING(36), allowNull: true },
      resolvedByName: { type: DataTypes.STRING(100), allowNull: true },
      note: { type: DataTypes.STRING(500), allowNull: true },
    },
    { ...common, tableName: 'reconciliation_mismatches', indexes: [{ unique: true, name: 'reconciliation_mismatches_line', fields: ['provider', 'bill_date', 'movement', 'reference', 'kind'] }] },
  );
  return { ReconciliationRun, ReconciliationMismatch };
}
