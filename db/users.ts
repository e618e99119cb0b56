import { createHash } from 'node:crypto';
import type { Database } from './database';
import type { Role, User } from './models';

/** A stable UUID-shaped id from a name, so a dev login by the same name is the same user. */
export function stableId(seed: string): string {
  const h = createHash('sha256').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export class UserDirectory {
  constructor(private readonly db: Database) {}

  /** Find-or-create inside the database's retried write transaction: concurrent first logins queue, never fail busy. */
  async devLogin(name: string, role: Role): Promise<User> {
    const id = stableId(`dev:${role}:${name}`);
    return this.db.transaction(async (transaction) => (await this.db.models.User.findOrCreate({ where: { id }, defaults: { id, name, role, wechatOpenId: null }, transaction }))[0]);
  }

  async byId(id: string): Promise<User | null> {
    return this.db.models.User.findByPk(id);
  }

  byWeChatOpenId(wechatOpenId: string): Promise<User | null> {
    return this.db.models.User.findOne({ where: { wechatOpenId } });
  }
}
