import { randomUUID } from 'node:crypto';
import { UniqueConstraintError } from 'sequelize';
import { DomainError } from '../domain/errors';
import type { Database } from './database';
import type { StaffAccount, StaffRole, User } from './models';

/** A staff account as the admin routes show it; never its hash or secrets. */
export interface StaffMember {
  id: string;
  username: string;
  role: StaffRole;
  totpEnabled: boolean;
  disabledAt: Date | null;
  /** Where alarms reach them (SMS, WeChat subscribe message); null: not that way. */
  phone: string | null;
  wechatOpenId: string | null;
  createdAt: Date;
}

/** An account about to sign in: what the password and code are checked against. */
export interface SignInCandidate {
  account: StaffAccount;
  user: User;
}

const memberOf = (account: StaffAccount, user: User): StaffMember => ({
  id: account.userId,
  username: account.username,
  role: user.role as StaffRole,
  totpEnabled: account.totpSecret !== null,
  disabledAt: account.disabledAt,
  phone: account.phone ?? null,
  wechatOpenId: account.wechatOpenId ?? null,
  createdAt: account.createdAt,
});

/**
 * Staff accounts: each is a `users` row with a staff role (the id every other table and workflow knows) plus its
 * sign-in row in `staff_accounts` (ADR 0009). Password hashes arrive hashed; this class never sees a password.
 */
export class StaffAccounts {
  constructor(private readonly db: Database) {}

  /** Creates the user and its account together; a taken username is a conflict. */
  async create(input: { username: string; role: StaffRole; passwordHash: string }): Promise<StaffMember> {
    const { User, StaffAccount } = this.db.models;
    try {
      return await this.db.transaction(async (transaction) => {
        const user = await User.create({ id: randomUUID(), name: input.username, role: input.role, wechatOpenId: null }, { transaction });
        const account = await StaffAccount.create(
          { userId: user.id, username: input.username, passwordHash: input.passwordHash, totpSecret: null, pendingTotpSecret: null, disabledAt: null },
          { transaction },
        );
        return memberOf(account, user);
      });
    } catch (error) {
      if (error instanceof UniqueConstraintError) throw new DomainError('CONFLICT', `the username ${input.username} is taken`, { field: 'username' });
      throw error;
    }
  }

  /**
   * The account behind a dev-login staff user (AUTH_DEV_LOGIN_STAFF): no password, so it cannot sign in any other
   * way, but it can be disabled like any other. Its username has a colon, which real usernames cannot.
   */
  async ensureForDevLogin(user: User): Promise<StaffAccount> {
    const username = `dev:${user.role}:${user.name}`.slice(0, 64);
    return this.db.transaction(
      async (transaction) =>
        (
          await this.db.models.StaffAccount.findOrCreate({
            where: { userId: user.id },
            defaults: { userId: user.id, username, passwordHash: null, totpSecret: null, pendingTotpSecret: null, disabledAt: null },
            transaction,
          })
        )[0],
    );
  }

  async list(): Promise<StaffMember[]> {
    const accounts = await this.db.models.StaffAccount.findAll({ order: [['username', 'ASC']] });
    const users = new Map((await this.db.models.User.findAll({ where: { id: accounts.map((a) => a.userId) } })).map((u) => [u.id, u]));
    return accounts.flatMap((account) => {
      const user = users.get(account.userId);
      return user ? [memberOf(account, user)] : [];
    });
  }

  async forSignIn(username: string): Promise<SignInCandidate | null> {
    const account = await this.db.models.StaffAccount.findOne({ where: { username } });
    const user = account && (await this.db.models.User.findByPk(account.userId));
    return account && user ? { account, user } : null;
  }

  async byId(userId: string): Promise<SignInCandidate> {
    const account = await this.db.models.StaffAccount.findByPk(userId);
    const user = account && (await this.db.models.User.findByPk(userId));
    if (!account || !user) throw new DomainError('NOT_FOUND', `no staff account ${userId}`);
    return { account, user };
  }

  /** Whether a token of this version still speaks for the account: it exists, is enabled and was not reset since. */
  async acceptsToken(userId: string, tokenVersion: number): Promise<boolean> {
    const account = await this.db.models.StaffAccount.findByPk(userId, { attributes: ['tokenVersion', 'disabledAt'] });
    return account !== null && account.disabledAt === null && account.tokenVersion === tokenVersion;
  }

  /** Disables or enables; either way the account's existing tokens stop working. */
  async setDisabled(userId: string, disabledAt: Date | null): Promise<StaffMember> {
    const { account, user } = await this.byId(userId);
    await account.update({ disabledAt, tokenVersion: account.tokenVersion + 1 });
    return memberOf(account, user);
  }

  /** A new password hash (and, when asked, no TOTP any more); existing tokens stop working. */
  async resetPassword(userId: string, passwordHash: string, options: { clearTotp: boolean }): Promise<StaffMember> {
    const { account, user } = await this.byId(userId);
    const totp = options.clearTotp ? { totpSecret: null, pendingTotpSecret: null } : {};
    await account.update({ passwordHash, tokenVersion: account.tokenVersion + 1, ...totp });
    return memberOf(account, user);
  }

  /** How alarms reach this person; a field left undefined stays as it is, null removes it. */
  async setContact(userId: string, contact: { phone?: string | null; wechatOpenId?: string | null }): Promise<StaffMember> {
    const { account, user } = await this.byId(userId);
    await account.update({
      ...(contact.phone !== undefined ? { phone: contact.phone } : {}),
      ...(contact.wechatOpenId !== undefined ? { wechatOpenId: contact.wechatOpenId } : {}),
    });
    return memberOf(account, user);
  }

  async setPendingTotp(userId: string, secret: string): Promise<void> {
    await this.db.models.StaffAccount.update({ pendingTotpSecret: secret }, { where: { userId } });
  }

  async confirmTotp(userId: string, secret: string): Promise<void> {
    await this.db.models.StaffAccount.update({ totpSecret: secret, pendingTotpSecret: null }, { where: { userId } });
  }

  /** True once some admin can sign in by password: the first start then creates none. */
  async hasAdminWithPassword(): Promise<boolean> {
    const withPassword = await this.db.models.StaffAccount.findAll({ where: { disabledAt: null }, attributes: ['userId', 'passwordHash'] });
    const ids = withPassword.filter((a) => a.passwordHash !== null).map((a) => a.userId);
    return ids.length > 0 && (await this.db.models.User.count({ where: { id: ids, role: 'admin' } })) > 0;
  }
}
