import jwt from 'jsonwebtoken';
import type { Context, Next } from 'koa';
import { z } from 'zod';
import { ROLES, type Role } from '../db/models';
import { DomainError } from '../domain/errors';

export interface AuthUser {
  id: string;
  name: string;
  role: Role;
}

const claims = z.object({ sub: z.string(), name: z.string(), role: z.enum(ROLES) });

export class TokenService {
  constructor(private readonly options: { secret: string; ttlSeconds?: number }) {}

  issue(user: AuthUser): string {
    return jwt.sign({ name: user.name, role: user.role }, this.options.secret, {
      algorithm: 'HS256',
      subject: user.id,
      expiresIn: this.options.ttlSeconds ?? 7 * 24 * 3600,
    });
  }

  verify(token: string): AuthUser {
    try {
      const decoded = claims.parse(jwt.verify(token, this.options.secret, { algorithms: ['HS256'] }));
      return { id: decoded.sub, name: decoded.name, role: decoded.role };
    } catch {
      throw new DomainError('UNAUTHENTICATED', 'missing, invalid or expired token');
    }
  }
}

/** Requires `Authorization: Bearer <jwt>`; puts the user on ctx.state.user. */
export function authenticate(tokens: TokenService) {
  return async (ctx: Context, next: Next) => {
    const header = ctx.get('Authorization');
    const match = /^Bearer (.+)$/.exec(header);
    if (!match) throw new DomainError('UNAUTHENTICATED', 'send Authorization: Bearer <token> (POST /api/v1/auth/dev-login or /auth/wechat-login)');
    ctx.state.user = tokens.verify(match[1]);
    await next();
  };
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
