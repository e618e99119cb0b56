import { randomUUID } from 'node:crypto';
import type { Transaction } from 'sequelize';
import type { CaptureRequest } from '../activities/ports';
import type { Database } from './database';
import type { Order } from './models';

/** The orders settlement writes: one per session (its unique session id), carrying the bill. */
export class Orders {
  constructor(private readonly db: Database) {}

  /** Writes the order of a settled session, in the transaction that captures its payment. */
  async record({ sessionId, userId, pileId, stationId, bill }: CaptureRequest, transaction: Transaction): Promise<void> {
    await this.db.models.Order.create(
      {
        id: randomUUID(),
        sessionId,
        userId,
        pileId,
        stationId,
        energyWh: bill.energyWh,
        totalFen: bill.totalFen,
        capturedFen: bill.capturedFen,
        releasedFen: bill.releasedFen,
        uncollectedFen: bill.uncollectedFen,
        bill,
      },
      { transaction },
    );
  }

  /** The orders of one session: none before settlement, exactly one after. */
  ofSession(sessionId: string): Promise<Order[]> {
    return this.db.models.Order.findAll({ where: { sessionId } });
  }
}
