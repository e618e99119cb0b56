import { randomBytes } from 'node:crypto';
import { UniqueConstraintError } from 'sequelize';
import { isNewerAuthorizationReport } from '../domain/payscore-authorization';
import type { Database } from './database';
import type { PayscoreAuthorization } from './models';

/** authorization_code: up to 32 characters, unique per merchant; ours is random, fixed once per driver by the row. */
const newAuthorizationCode = () => `pa${randomBytes(15).toString('hex')}`;

/** Drivers' WeChat Pay Score authorizations: a report replaces the recorded state only when it is newer. */
export class PayscoreAuthorizations {
  constructor(private readonly db: Database) {}

  of(userId: string): Promise<PayscoreAuthorization | null> {
    return this.db.models.PayscoreAuthorization.findByPk(userId);
  }

  byCode(authorizationCode: string): Promise<PayscoreAuthorization | null> {
    return this.db.models.PayscoreAuthorization.findOne({ where: { authorizationCode } });
  }

  /** The driver's row (state `unknown` until WeChat Pay says), created with its authorization_code on first use. */
  async begin(userId: string): Promise<PayscoreAuthorization> {
    const { PayscoreAuthorization } = this.db.models;
    try {
      const [row] = await PayscoreAuthorization.findOrCreate({ where: { userId }, defaults: { userId, authorizationCode: newAuthorizationCode(), state: 'unknown', stateAt: null } });
      return row;
    } catch (error) {
      if (!(error instanceof UniqueConstraintError)) throw error;
      return (await PayscoreAuthorization.findByPk(userId))!;
    }
  }

  /** Records what WeChat Pay said as of `atMs` under the row's lock; an older or repeated report changes nothing. */
  async record(userId: string, state: 'available' | 'unavailable', atMs: number): Promise<PayscoreAuthorization> {
    await this.begin(userId);
    return this.db.transaction(async (transaction) => {
      const row = (await this.db.models.PayscoreAuthorization.findByPk(userId, { transaction, lock: transaction.LOCK.UPDATE }))!;
      if (!isNewerAuthorizationReport(row.stateAt?.getTime() ?? null, atMs)) return row;
      return row.update({ state, stateAt: new Date(atMs) }, { transaction });
    });
  }
}
