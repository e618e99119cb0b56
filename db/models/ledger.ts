import { type CreationOptional, DataTypes, type InferAttributes, type InferCreationAttributes, Model, type Sequelize } from 'sequelize';
import type { JournalKind } from '../../domain/ledger';
import { money, tableOptions, timestamp } from './columns';

class LedgerEntryRow extends Model<InferAttributes<LedgerEntryRow>, InferCreationAttributes<LedgerEntryRow>> {
  declare id: CreationOptional<number>;
  /** Unique: a movement posted again finds its first entry. */
  declare idempotencyKey: string;
  declare kind: JournalKind;
  declare sessionId: string | null;
  declare topUpId: string | null;
  declare outRefundNo: string | null;
  declare createdAt: CreationOptional<Date>;
}
export type LedgerEntry = LedgerEntryRow;

class LedgerLineRow extends Model<InferAttributes<LedgerLineRow>, InferCreationAttributes<LedgerLineRow>> {
  declare id: CreationOptional<number>;
  declare entryId: number;
  declare account: string;
  declare debitFen: number;
  declare creditFen: number;
}
export type LedgerLine = LedgerLineRow;

/** The double-entry journal (docs/ledger.md): entries, each with lines whose debits equal their credits. */
export function defineLedgerModels(sequelize: Sequelize) {
  const common = { sequelize, ...tableOptions };
  class LedgerEntry extends LedgerEntryRow {}
  LedgerEntry.init(
    {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      idempotencyKey: { type: DataTypes.STRING(128), allowNull: false, unique: true },
      kind: { type: DataTypes.STRING(24), allowNull: false },
      sessionId: { type: DataTypes.STRING(36), allowNull: true },
      topUpId: { type: DataTypes.STRING(36), allowNull: true },
      outRefundNo: { type: DataTypes.STRING(64), allowNull: true },
      createdAt: timestamp(),
    },
    { ...common, tableName: 'ledger_entries', updatedAt: false },
  );
  class LedgerLine extends LedgerLineRow {}
  LedgerLine.init(
    {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      entryId: { type: DataTypes.INTEGER, allowNull: false },
      account: { type: DataTypes.STRING(64), allowNull: false },
      debitFen: money(),
      creditFen: money(),
    },
    { ...common, tableName: 'ledger_lines', timestamps: false },
  );
  return { LedgerEntry, LedgerLine };
}
