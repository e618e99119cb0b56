import { UniqueConstraintError } from 'sequelize';
import type { Database } from './database';
import type { User } from './models';
import { stableId } from './users';

/** Drivers who sign in with WeChat. */
export class WeChatUsers {
  constructor(private readonly db: Database) {}

  /**
   * The driver behind a WeChat openid, created on their first login. Find-or-create runs inside the database's
   * retried write transaction, so concurrent first logins queue instead of failing busy (SQLite).
   */
  async userFor(openId: string): Promise<User> {
    const { User } = this.db.models;
    const id = stableId(`wechat:${openId}`);
    const defaults = { id, name: `微信用户${openId.slice(-4)}`, role: 'driver' as const, wechatOpenId: openId };
    try {
      return await this.db.transaction(async (transaction) => (await User.findOrCreate({ where: { wechatOpenId: openId }, defaults, transaction }))[0]);
    } catch (error) {
      // Two first logins raced; the unique openid let one through.
      if (error instanceof UniqueConstraintError) return (await User.findOne({ where: { wechatOpenId: openId } }))!;
      throw error;
    }
  }
}
