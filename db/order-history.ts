import { Op } from 'sequelize';
import { DomainError } from '../domain/errors';
import { occupiesPile, SESSION_STATUSES, type SessionStatus } from '../domain/session-state';
import type { Database } from './database';
import type { ChargingSession } from './models';

/** Sessions that produced a bill: settled, or waiting for support to retry the capture. */
const BILLED: SessionStatus[] = ['COMPLETED', 'SETTLEMENT_FAILED'];
/** Sessions a driver still has something to do with or wait for. */
const ACTIVE: SessionStatus[] = SESSION_STATUSES.filter((s) => occupiesPile(s) || s === 'SETTLING');

/** A driver's sessions seen as orders (billed ones) and as what is going on now. */
export class OrderHistory {
  constructor(private readonly db: Database) {}

  orders(userId: string, page: { before?: Date; limit: number }): Promise<ChargingSession[]> {
    return this.db.models.ChargingSession.findAll({
      where: { userId, status: BILLED, ...(page.before ? { createdAt: { [Op.lt]: page.before } } : {}) },
      order: [['createdAt', 'DESC']],
      limit: page.limit,
    });
  }

  async order(userId: string, sessionId: string): Promise<ChargingSession> {
    const session = await this.db.models.ChargingSession.findOne({ where: { id: sessionId, userId, status: BILLED } });
    if (!session) throw new DomainError('NOT_FOUND', `no order ${sessionId}`);
    return session;
  }

  active(userId: string): Promise<ChargingSession[]> {
    return this.db.models.ChargingSession.findAll({ where: { userId, status: ACTIVE }, order: [['createdAt', 'DESC']], limit: 20 });
  }
}
