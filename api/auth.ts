import { createSecretKey, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import type { Context, Next } from 'koa';
import { z } from 'zod';
import type { AuditActor } from '../db/audit-log';
import { ROLES, type Role } from '../db/models';
import { DomainError } from '../domain/errors';

export interface AuthUser {
  id: string;
  name: string;
  role: Role;
}

/** `ver`: a staff token's account version (db/staff-accounts.ts); disabling or resetting the account bumps it. */
const claims = z.object({ sub: z.string(), name: z.string(), role: z.enum(ROLES), ver: z.number().int().optional() });

/** A verified token: who it speaks for, and (staff) the account version it was issued for. */
export interface VerifiedToken extends AuthUser {
  tokenVersion?: number;
}

export class TokenService {
  /**
   * The HMAC key, made once: given the secret as a string, jsonwebtoken would try to parse it as a public key
   * (a thrown error) and then build a secret key on every signature and every verification.
   */
  private readonly key: KeyObject;

  constructor(private readonly options: { secret: string; ttlSeconds?: number; staffTtlSeconds?: number }) {
    this.key = createSecretKey(Buffer.from(options.secret, 'utf8'));
  }

  /** A driver's token; see `issueStaff` for staff. */
  issue(user: AuthUser): string {
    return this.sign({ name: user.name, role: user.role }, user.id, this.options.ttlSeconds ?? 7 * 24 * 3600);
  }

  /** A fresh token for a user whose details changed: a staff token stays bound to the same account version. */
  reissue(user: AuthUser, tokenVersion: number | undefined): string {
    return isStaff(user) ? this.issueStaff(user, tokenVersion ?? -1) : this.issue(user);
  }

  /** A staff token: short-lived, and bound to the account's current version. */
  issueStaff(user: AuthUser, tokenVersion: number): string {
    return this.sign({ name: user.name, role: user.role, ver: tokenVersion }, user.id, this.options.staffTtlSeconds ?? 8 * 3600);
  }

  private sign(payload: object, subject: string, expiresIn: number): string {
    return jwt.sign(payload, this.key, { algorithm: 'HS256', subject, expiresIn });
  }

  verify(token: string): VerifiedToken {
    try {
      const decoded = claims.parse(jwt.verify(token, this.key, { algorithms: ['HS256'] }));
      return { id: decoded.sub, name: decoded.name, role: decoded.role, tokenVersion: decoded.ver };
    } catch {
      throw new DomainError('UNAUTHENTICATED', 'missing, invalid or expired token');
    }
  }
}

/** Whether a staff token still speaks for its account (db/staff-accounts.ts). */
export interface StaffTokenCheck {
  acceptsToken(userId: string, tokenVersion: number): Promise<boolean>;
}

/**
 * Requires `Authorization: Bearer <jwt>`; puts the user on ctx.state.user. A staff token is checked against its
 * account on every request, so a disabled or reset account's tokens stop working at once.
 */
export function authenticate(tokens: TokenService, staff: StaffTokenCheck) {
  return async (ctx: Context, next: Next) => {
    const header = ctx.get('Authorization');
    const match = /^Bearer (.+)$/.exec(header);
    if (!match) throw new DomainError('UNAUTHENTICATED', 'send Authorization: Bearer <token> (POST /api/v1/auth/dev-login or /auth/wechat-login)');
    const token = match[1];
    ctx.state.user = await verifiedUser(tokens, staff, token);
    // A token the API re-issues for this user (a new name) keeps the account version this one was bound to.
    ctx.state.tokenVersion = tokens.verify(token).tokenVersion;
    await next();
  };
}

/** The user a token speaks for; a staff token only while its account still accepts it (HTTP and /ws alike). */
export async function verifiedUser(tokens: TokenService, staff: StaffTokenCheck, token: string): Promise<AuthUser> {
  const { tokenVersion, ...user } = tokens.verify(token);
  if (isStaff(user) && !(await staff.acceptsToken(user.id, tokenVersion ?? -1))) {
    throw new DomainError('UNAUTHENTICATED', 'this staff account was disabled or its password reset; sign in again');
  }
  return user;
}

export function requireRole(...roles: Role[]) {
  return async (ctx: Context, next: Next) => {
    const user = ctx.state.user as AuthUser | undefined;
    if (!user || !roles.includes(user.role)) throw new DomainError('FORBIDDEN', `this needs one of the roles: ${roles.join(', ')}`);
    await next();
  };
}

export function currentUser(ctx: Context): AuthUser {
  return ctx.state.user as AuthUser;
}

/** Operators, support and admins may see any driver's sessions. */
export function isStaff(user: AuthUser): boolean {
  return user.role !== 'driver';
}

/** The audit log's view of a signed-in user. */
export function auditActor(user: AuthUser): AuditActor {
  return { id: user.id, name: user.name, role: user.role };
}
