import { Op, type WhereOptions } from 'sequelize';
import { DomainError } from '../domain/errors';
import type { Database } from './database';
import type { AuditEntry } from './models';

/** Who did it: a signed-in staff member, or (for a failed sign-in) only the username that was typed. */
export interface AuditActor {
  id: string | null;
  name: string;
  role: string | null;
}

/** What was done, to what, and why. */
export interface AuditAction {
  action: string;
  target?: string;
  reason?: string;
}

export interface AuditFilter {
  actorId?: string;
  action?: string;
  target?: string;
  from?: Date;
  to?: Date;
  /** Entries older than this cursor (the previous page's `nextCursor`). */
  before?: number;
  limit: number;
}

const resultOf = (error: unknown) => (error instanceof DomainError ? error.code : 'ERROR');

/**
 * The append-only log of staff actions: this class inserts and reads, nothing updates or deletes a row. Each entry
 * is who, what, target, when, why and the result (`ok` or the error code).
 */
export class AuditLog {
  constructor(private readonly db: Database) {}

  async record(actor: AuditActor, action: AuditAction, result: string): Promise<void> {
    await this.db.models.AuditEntry.create({
      at: new Date(),
      actorId: actor.id,
      actorName: actor.name.slice(0, 100),
      actorRole: actor.role,
      action: action.action,
      target: action.target?.slice(0, 120) ?? null,
      reason: action.reason ?? null,
      result,
    });
  }

  /** Runs `work` and records its outcome, success or the error it failed with (which is then rethrown). */
  async witness<T>(actor: AuditActor, action: AuditAction, work: () => Promise<T>): Promise<T> {
    let outcome: T;
    try {
      outcome = await work();
    } catch (error) {
      await this.record(actor, action, resultOf(error));
      throw error;
    }
    await this.record(actor, action, 'ok');
    return outcome;
  }

  /** Newest first, one page; `nextCursor` is set when older entries may follow. */
  async list(filter: AuditFilter): Promise<{ entries: AuditEntry[]; nextCursor: number | null }> {
    const where: WhereOptions<AuditEntry> = {
      ...(filter.actorId ? { actorId: filter.actorId } : {}),
      ...(filter.action ? { action: filter.action } : {}),
      ...(filter.target ? { target: filter.target } : {}),
      ...(filter.from || filter.to ? { at: { ...(filter.from ? { [Op.gte]: filter.from } : {}), ...(filter.to ? { [Op.lt]: filter.to } : {}) } } : {}),
      ...(filter.before ? { id: { [Op.lt]: filter.before } } : {}),
    };
    const entries = await this.db.models.AuditEntry.findAll({ where, order: [['id', 'DESC']], limit: filter.limit });
    return { entries, nextCursor: entries.length === filter.limit ? entries[entries.length - 1].id : null };
  }
}
