import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { hash, verify } from '@node-rs/argon2';
import { generateSecret, generateURI, verify as verifyTotp } from 'otplib';
import { RateLimiterRes } from 'rate-limiter-flexible';
import type { AuditActor, AuditLog } from '../db/audit-log';
import { ensurePrivateDataDir } from '../db/database';
import type { StaffAccount, StaffRole, User } from '../db/models';
import type { StaffAccounts, StaffMember } from '../db/staff-accounts';
import { DomainError } from '../domain/errors';
import type { HotState } from '../infra/hot-state';
import type { Logger } from '../infra/logger';
import { type AuthUser, auditActor, type StaffTokenCheck, type TokenService } from './auth';

export interface StaffSignInLimits {
  failuresPerUsername: number;
  failuresPerAddress: number;
  windowMinutes: number;
}

export interface StaffSignIn {
  username: string;
  password: string;
  /** The current TOTP code, once the account has enrolled. */
  code?: string;
}

/** A password shown once: 24 characters of base64url, 144 random bits. */
const generatePassword = () => randomBytes(18).toString('base64url');
const TOTP_ISSUER = 'EV charging console';
/** One 30-second step either side: a code typed as it rolls over still counts. */
const TOTP_TOLERANCE_SECONDS = 30;
const WRONG_CREDENTIALS = 'username, password or code is wrong';

/**
 * Staff accounts' use cases: sign-in by password (and TOTP once enrolled) with brute-force limits per username and
 * per client address, enrolment in TOTP, and the admin's create / disable / enable / reset-password. Every one of
 * them, successful or not, is written to the audit log.
 */
export class StaffService implements StaffTokenCheck {
  private readonly byUsername;
  private readonly byAddress;
  /** Verified against when the username is unknown, so an unknown name costs as long as a wrong password. */
  private readonly decoyHash: Promise<string>;

  constructor(
    private readonly deps: { accounts: StaffAccounts; audit: AuditLog; tokens: TokenService; hot: HotState; limits: StaffSignInLimits },
  ) {
    const durationSeconds = deps.limits.windowMinutes * 60;
    this.byUsername = deps.hot.rateLimiter({ keyPrefix: 'rl:staff-login:name', points: deps.limits.failuresPerUsername, durationSeconds });
    this.byAddress = deps.hot.rateLimiter({ keyPrefix: 'rl:staff-login:addr', points: deps.limits.failuresPerAddress, durationSeconds });
    this.decoyHash = hash(generatePassword());
  }

  acceptsToken(userId: string, tokenVersion: number): Promise<boolean> {
    return this.deps.accounts.acceptsToken(userId, tokenVersion);
  }

  /**
   * A token for a valid username, password (and code, once enrolled). Every wrong answer is the same 401, whether
   * the name exists or not; attempts beyond the limits are a 429 for that username and for that address.
   */
  async signIn(attempt: StaffSignIn, clientAddress: string): Promise<{ token: string; user: AuthUser }> {
    const username = attempt.username.toLowerCase();
    const actor: AuditActor = { id: null, name: username, role: null };
    const action = { action: 'staff.sign-in', target: `staff:${username}` };
    await this.countAttempt(username, clientAddress, actor, action);
    const candidate = await this.deps.accounts.forSignIn(username);
    const passwordHash = candidate?.account.passwordHash;
    const passwordMatches = await verify(passwordHash ?? (await this.decoyHash), attempt.password);
    const refusal = !candidate || !passwordHash || !passwordMatches ? 'wrong username or password' : candidate.account.disabledAt ? 'account disabled' : undefined;
    if (refusal || !candidate) {
      await this.deps.audit.record(candidate ? auditActor(candidate.user) : actor, { ...action, reason: refusal }, 'UNAUTHENTICATED');
      throw new DomainError('UNAUTHENTICATED', WRONG_CREDENTIALS);
    }
    const { account, user } = candidate;
    if (account.totpSecret && !(await this.totpMatches(account.totpSecret, attempt.code))) {
      await this.deps.audit.record(auditActor(user), { ...action, reason: attempt.code ? 'wrong TOTP code' : 'TOTP code missing' }, 'UNAUTHENTICATED');
      throw new DomainError('UNAUTHENTICATED', attempt.code ? WRONG_CREDENTIALS : 'code: this account needs its TOTP code', { field: 'code' });
    }
    await Promise.all([this.byUsername.delete(username), this.byAddress.reward(clientAddress)]);
    await this.deps.audit.record(auditActor(user), action, 'ok');
    return this.signedIn(user, account);
  }

  /** A dev-login staff user (AUTH_DEV_LOGIN_STAFF) gets an account without a password, and a token like any staff. */
  async signInForDevLogin(user: User): Promise<{ token: string; user: AuthUser }> {
    return this.signedIn(user, await this.deps.accounts.ensureForDevLogin(user));
  }

  /**
   * TOTP enrolment in two steps: without a code, a fresh secret is kept pending and its otpauth URI returned (once);
   * with a code from that secret, TOTP is switched on and every later sign-in needs a code.
   */
  async enrolTotp(staff: AuthUser, code: string | undefined): Promise<{ otpauthUri: string } | { totpEnabled: true }> {
    return this.deps.audit.witness(auditActor(staff), { action: code ? 'staff.totp-confirm' : 'staff.totp-enrol', target: `staff:${staff.id}` }, async () => {
      const { account } = await this.deps.accounts.byId(staff.id);
      if (account.totpSecret) throw new DomainError('CONFLICT', 'TOTP is already on for this account; an admin can reset it with the password');
      if (!code) {
        const secret = generateSecret();
        await this.deps.accounts.setPendingTotp(staff.id, secret);
        return { otpauthUri: generateURI({ issuer: TOTP_ISSUER, label: account.username, secret }) };
      }
      if (!account.pendingTotpSecret) throw new DomainError('CONFLICT', 'start the enrolment first: POST without a code');
      if (!(await this.totpMatches(account.pendingTotpSecret, code))) throw new DomainError('VALIDATION_FAILED', 'code: does not match the pending secret', { field: 'code' });
      await this.deps.accounts.confirmTotp(staff.id, account.pendingTotpSecret);
      return { totpEnabled: true as const };
    });
  }

  list(): Promise<StaffMember[]> {
    return this.deps.accounts.list();
  }

  /** A new account with a generated password, shown once in the answer. */
  async create(admin: AuthUser, input: { username: string; role: StaffRole; reason?: string }): Promise<{ staff: StaffMember; password: string }> {
    return this.deps.audit.witness(auditActor(admin), { action: 'staff.create', target: `staff:${input.username}`, reason: input.reason }, async () => {
      const password = generatePassword();
      return { staff: await this.deps.accounts.create({ username: input.username, role: input.role, passwordHash: await hash(password) }), password };
    });
  }

  async setDisabled(admin: AuthUser, userId: string, disabled: boolean, reason: string): Promise<StaffMember> {
    return this.deps.audit.witness(auditActor(admin), { action: disabled ? 'staff.disable' : 'staff.enable', target: `staff:${userId}`, reason }, async () => {
      if (disabled && userId === admin.id) throw new DomainError('FORBIDDEN', 'you cannot disable your own account');
      return this.deps.accounts.setDisabled(userId, disabled ? new Date() : null);
    });
  }

  /** How alarms reach a staff member: their phone (SMS) and WeChat openid (subscribe messages). */
  async setContact(admin: AuthUser, userId: string, input: { phone?: string | null; wechatOpenId?: string | null; reason: string }): Promise<StaffMember> {
    return this.deps.audit.witness(auditActor(admin), { action: 'staff.update', target: `staff:${userId}`, reason: input.reason }, () =>
      this.deps.accounts.setContact(userId, { phone: input.phone, wechatOpenId: input.wechatOpenId }),
    );
  }

  /** A new generated password, shown once; the account's tokens stop working, and TOTP is cleared when asked. */
  async resetPassword(admin: AuthUser, userId: string, options: { reason: string; clearTotp: boolean }): Promise<{ staff: StaffMember; password: string }> {
    return this.deps.audit.witness(auditActor(admin), { action: 'staff.reset-password', target: `staff:${userId}`, reason: options.reason }, async () => {
      const password = generatePassword();
      return { staff: await this.deps.accounts.resetPassword(userId, await hash(password), { clearTotp: options.clearTotp }), password };
    });
  }

  /**
   * The first admin, on a start where no admin can sign in by password: STAFF_ADMIN_PASSWORD when given, else a
   * generated password written to `<dataDir>/initial-admin-password` (0600) and logged once, like Jenkins does.
   */
  async ensureFirstAdmin(options: { username: string; password?: string; dataDir: string; logger: Logger }): Promise<void> {
    if (await this.deps.accounts.hasAdminWithPassword()) return;
    const password = options.password ?? generatePassword();
    const system: AuditActor = { id: null, name: 'system', role: null };
    try {
      await this.deps.audit.witness(system, { action: 'staff.create', target: `staff:${options.username}`, reason: 'first start: no admin can sign in' }, async () =>
        this.deps.accounts.create({ username: options.username, role: 'admin', passwordHash: await hash(password) }),
      );
    } catch (error) {
      if (error instanceof DomainError && error.code === 'CONFLICT') {
        options.logger.warn({ username: options.username }, 'no admin can sign in, and the first admin\'s username is taken: reset that account\'s password or set STAFF_ADMIN_USERNAME');
        return;
      }
      throw error;
    }
    if (options.password) {
      options.logger.info({ username: options.username }, 'first admin created from STAFF_ADMIN_USERNAME and STAFF_ADMIN_PASSWORD');
      return;
    }
    ensurePrivateDataDir(options.dataDir);
    const file = path.join(options.dataDir, 'initial-admin-password');
    fs.writeFileSync(file, `${password}\n`, { mode: 0o600 });
    // The password goes to the owner-only file, never to the log (logs are shipped and kept; they redact secrets).
    options.logger.warn({ username: options.username, file }, 'first admin created: its generated password is in the file; sign in with it and keep it safe');
  }

  private signedIn(user: User, account: StaffAccount): { token: string; user: AuthUser } {
    const identity: AuthUser = { id: user.id, name: user.name, role: user.role };
    return { token: this.deps.tokens.issueStaff(identity, account.tokenVersion), user: identity };
  }

  private async totpMatches(secret: string, code: string | undefined): Promise<boolean> {
    if (!code || !/^\d{6}$/.test(code)) return false;
    return (await verifyTotp({ secret, token: code, epochTolerance: TOTP_TOLERANCE_SECONDS })).valid;
  }

  /** Every attempt counts against the username and the address until it succeeds; past either limit it is a 429. */
  private async countAttempt(username: string, clientAddress: string, actor: AuditActor, action: { action: string; target: string }): Promise<void> {
    try {
      await Promise.all([this.byUsername.consume(username), this.byAddress.consume(clientAddress)]);
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      const retryAfterSeconds = Math.ceil(rejection.msBeforeNext / 1000);
      await this.deps.audit.record(actor, { ...action, reason: 'too many failed sign-ins' }, 'RATE_LIMITED');
      throw new DomainError('RATE_LIMITED', `too many failed sign-ins; retry in ${retryAfterSeconds} s`, { retryAfterSeconds });
    }
  }
}
