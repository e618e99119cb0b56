import { Op, UniqueConstraintError } from 'sequelize';
import type { Database } from './database';

/** An OCPP transaction as the central system needs it: whose session it meters, on which pile. */
export interface OcppTransaction {
  transactionId: number;
  pileId: string;
  sessionId: string;
  connectorId: number;
  meterStartWh: number;
  stoppedAt?: number;
}

export interface TransactionStart {
  pileId: string;
  sessionId: string;
  connectorId: number;
  idTag: string;
  meterStartWh: number;
  at: number;
}

const view = (row: { transactionId: number; pileId: string; sessionId: string; connectorId: number; meterStartWh: number; stoppedAt?: Date | null }): OcppTransaction => ({
  transactionId: row.transactionId,
  pileId: row.pileId,
  sessionId: row.sessionId,
  connectorId: row.connectorId,
  meterStartWh: row.meterStartWh,
  ...(row.stoppedAt ? { stoppedAt: row.stoppedAt.getTime() } : {}),
});

/**
 * The `ocpp_transactions` table: one transaction per session, numbered by the database, so a charger that repeats
 * its StartTransaction (it never saw our answer) is told the same transactionId, and any central-system node can
 * resolve a transactionId a charger replays after an outage.
 */
export class OcppTransactions {
  constructor(private readonly db: Database) {}

  /** The session's transaction, created on its first start; a repeated start returns the same one. */
  async begin(start: TransactionStart): Promise<OcppTransaction> {
    const { OcppTransaction } = this.db.models;
    const existing = await OcppTransaction.findOne({ where: { sessionId: start.sessionId } });
    if (existing) return view(existing);
    try {
      const { at, ...fields } = start;
      return view(await OcppTransaction.create({ ...fields, startedAt: new Date(at) }));
    } catch (error) {
      if (!(error instanceof UniqueConstraintError)) throw error;
      return view((await OcppTransaction.findOne({ where: { sessionId: start.sessionId } }))!);
    }
  }

  async byId(transactionId: number): Promise<OcppTransaction | undefined> {
    const row = await this.db.models.OcppTransaction.findByPk(transactionId);
    return row ? view(row) : undefined;
  }

  async ofSession(sessionId: string): Promise<OcppTransaction | undefined> {
    const row = await this.db.models.OcppTransaction.findOne({ where: { sessionId } });
    return row ? view(row) : undefined;
  }

  /** Records the stop; 'duplicate' when the transaction had already stopped (a replayed StopTransaction). */
  async stopped(transactionId: number, meterStopWh: number, at: number): Promise<'first' | 'duplicate'> {
    const [changed] = await this.db.models.OcppTransaction.update(
      { meterStopWh, stoppedAt: new Date(at) },
      { where: { transactionId, stoppedAt: { [Op.is]: null } } },
    );
    return changed === 1 ? 'first' : 'duplicate';
  }
}
