import { literal, Op, type WhereOptions } from 'sequelize';
import { DomainError } from '../domain/errors';
import type { Database } from './database';
import { encodeCursor, olderThan, type PageCursor } from './page-cursor';
import type { ChargingSession, Feedback, PaymentHold, User, Vehicle, WalletTransaction } from './models';

/** A mainland mobile number as stored: 11 digits, without +86, spaces or dashes. */
export function normalizePhone(text: string): string | undefined {
  const digits = text.replace(/[\s-]/g, '').replace(/^(\+86|0086)/, '');
  return /^1[3-9]\d{9}$/.test(digits) ? digits : undefined;
}

/** `!` escapes LIKE's wildcards: MySQL and SQLite both take it as `ESCAPE '!'` (SQLite has no default escape character). */
const escapeLike = (text: string) => text.replace(/[!%_]/g, (c) => `!${c}`);

/** Everything the console's driver page shows about one driver, read in one go. */
export interface DriverDossier {
  user: User;
  frozenBy: { id: string; name: string } | null;
  wallet: { balanceFen: number; heldFen: number };
  /** Holds still open (money set aside for running sessions), then the most recent closed ones. */
  holds: PaymentHold[];
  transactions: WalletTransaction[];
  sessions: ChargingSession[];
  vehicles: Vehicle[];
  feedback: Feedback[];
}

const RECENT = 20;

/**
 * Drivers as staff see them: search, a driver's whole picture, and freezing. A frozen driver starts, reserves and
 * tops up nothing (`assertNotFrozen`, called where those actions begin); what is running finishes, and their own
 * money can still leave by withdrawal.
 */
export class DriverAccounts {
  constructor(private readonly db: Database) {}

  /**
   * Drivers matching `q` (exactly: user id, WeChat openid; by prefix: phone digits, nickname), newest first, one
   * page. Every branch reads an index, so the search stays cheap however many drivers there are.
   */
  async search(filter: { q?: string; frozen?: boolean; cursor?: PageCursor; limit: number }): Promise<{ users: User[]; nextCursor: string | null }> {
    const q = filter.q?.trim();
    const matches: WhereOptions<User>[] = [];
    if (q) {
      const { sequelize } = this.db;
      const namePrefix = literal(`${sequelize.getQueryInterface().quoteIdentifier('name')} LIKE ${sequelize.escape(`${escapeLike(q)}%`)} ESCAPE '!'`);
      matches.push({ id: q }, { wechatOpenId: q }, namePrefix);
      const phone = normalizePhone(q);
      if (phone) matches.push({ phone });
      else if (/^\d{3,11}$/.test(q)) matches.push({ phone: { [Op.like]: `${q}%` } });
    }
    const users = await this.db.models.User.findAll({
      where: {
        [Op.and]: [
          { role: 'driver' },
          matches.length ? { [Op.or]: matches } : {},
          filter.frozen === undefined ? {} : { frozenAt: filter.frozen ? { [Op.ne]: null } : null },
          olderThan(filter.cursor),
        ],
      },
      order: [
        ['createdAt', 'DESC'],
        ['id', 'DESC'],
      ],
      limit: filter.limit,
    });
    return { users, nextCursor: users.length === filter.limit ? encodeCursor(users[users.length - 1]) : null };
  }

  /** A driver (not a staff member); anyone else is NOT_FOUND. */
  async driver(userId: string): Promise<User> {
    const user = await this.db.models.User.findByPk(userId);
    if (!user || user.role !== 'driver') throw new DomainError('NOT_FOUND', `no driver ${userId}`);
    return user;
  }

  async dossier(userId: string): Promise<DriverDossier> {
    const user = await this.driver(userId);
    const { Wallet, PaymentHold, WalletTransaction, ChargingSession, Vehicle, Feedback, User } = this.db.models;
    const [wallet, openHolds, closedHolds, transactions, sessions, vehicles, feedback, frozenBy] = await Promise.all([
      Wallet.findByPk(userId),
      PaymentHold.findAll({ where: { userId, status: 'held' }, order: [['createdAt', 'DESC']], limit: 50 }),
      PaymentHold.findAll({ where: { userId, status: { [Op.ne]: 'held' } }, order: [['createdAt', 'DESC']], limit: RECENT }),
      WalletTransaction.findAll({ where: { userId }, order: [['id', 'DESC']], limit: RECENT }),
      ChargingSession.findAll({ where: { userId }, order: [['createdAt', 'DESC']], limit: RECENT }),
      Vehicle.findAll({ where: { userId }, order: [['createdAt', 'ASC']] }),
      Feedback.findAll({ where: { userId }, order: [['createdAt', 'DESC']], limit: RECENT }),
      user.frozenBy ? User.findByPk(user.frozenBy, { attributes: ['id', 'name'] }) : null,
    ]);
    return {
      user,
      frozenBy: user.frozenBy ? { id: user.frozenBy, name: frozenBy?.name ?? user.frozenBy } : null,
      wallet: { balanceFen: wallet?.balanceFen ?? 0, heldFen: wallet?.heldFen ?? 0 },
      holds: [...openHolds, ...closedHolds],
      transactions,
      sessions,
      vehicles,
      feedback,
    };
  }

  /** Freezes a driver's account; freezing a frozen one is a CONFLICT (the first reason stands). */
  async freeze(userId: string, input: { reason: string; staffId: string; at: Date }): Promise<User> {
    return this.db.transaction(async (transaction) => {
      const user = await this.db.models.User.findByPk(userId, { transaction, lock: transaction.LOCK.UPDATE });
      if (!user || user.role !== 'driver') throw new DomainError('NOT_FOUND', `no driver ${userId}`);
      if (user.frozenAt) throw new DomainError('CONFLICT', 'this account is frozen already');
      return user.update({ frozenAt: input.at, frozenReason: input.reason, frozenBy: input.staffId }, { transaction });
    });
  }

  async unfreeze(userId: string): Promise<User> {
    return this.db.transaction(async (transaction) => {
      const user = await this.db.models.User.findByPk(userId, { transaction, lock: transaction.LOCK.UPDATE });
      if (!user || user.role !== 'driver') throw new DomainError('NOT_FOUND', `no driver ${userId}`);
      if (!user.frozenAt) throw new DomainError('CONFLICT', 'this account is not frozen');
      return user.update({ frozenAt: null, frozenReason: null, frozenBy: null }, { transaction });
    });
  }

  /** Refuses with ACCOUNT_FROZEN when the user's account is frozen; the one check before a start, reservation or top-up. */
  async assertNotFrozen(userId: string): Promise<void> {
    const user = await this.db.models.User.findByPk(userId, { attributes: ['id', 'frozenAt'] });
    if (user?.frozenAt) {
      throw new DomainError('ACCOUNT_FROZEN', 'your account is frozen: you cannot start, reserve or top up; contact customer service (a running session finishes normally)');
    }
  }
}
