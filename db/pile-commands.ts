import { Op, UniqueConstraintError, type WhereOptions } from 'sequelize';
import type { PileCommandRecord, PileCommandStateChange, PileCommandStore, SessionProgressReader } from '../activities/ports';
import type { OperatorCommandState, SessionProgress } from '../domain/pile-command';
import type { Database } from './database';
import type { PileCommandEntry } from './models';

export interface PileCommandFilter {
  pileCode?: string;
  state?: OperatorCommandState;
  /** Commands older than this cursor (the previous page's `nextCursor`). */
  before?: number;
  limit: number;
}

/**
 * The `pile_commands` table. The API creates a command's row as it starts the command's workflow (so it can answer
 * at once); the workflow creates it too when absent and writes every state change.
 */
export class PileCommandRecords implements PileCommandStore {
  constructor(private readonly db: Database) {}

  /** Inserts the command unless its id is already recorded; returns the stored row either way. */
  async record(command: PileCommandRecord): Promise<void> {
    await this.recorded(command);
  }

  async recorded(command: PileCommandRecord): Promise<PileCommandEntry> {
    const existing = await this.byId(command.commandId);
    if (existing) return existing;
    try {
      return await this.db.models.PileCommandEntry.create({
        commandId: command.commandId,
        pileId: command.pileId,
        pileCode: command.pileCode,
        type: command.type,
        params: command.params,
        reason: command.reason,
        state: 'sent',
        requestedById: command.requestedBy.id,
        requestedByName: command.requestedBy.name.slice(0, 100),
        requestedByRole: command.requestedBy.role,
        sessionId: command.sessionId ?? null,
        workflowId: command.workflowId,
        attempts: 0,
        detail: null,
        createdAt: new Date(command.at),
        updatedAt: new Date(command.at),
      });
    } catch (error) {
      // Recorded meanwhile by the other writer (API or workflow): that row is the command.
      if (!(error instanceof UniqueConstraintError)) throw error;
      return (await this.byId(command.commandId))!;
    }
  }

  /** Only a command still `sent` changes: a final state stays, whatever arrives later or again. */
  async changed(change: PileCommandStateChange): Promise<void> {
    await this.db.models.PileCommandEntry.update(
      { state: change.state, attempts: change.attempts, detail: change.detail?.slice(0, 500) ?? null, updatedAt: new Date(change.at) },
      { where: { commandId: change.commandId, state: 'sent' } },
    );
  }

  byId(commandId: string): Promise<PileCommandEntry | null> {
    return this.db.models.PileCommandEntry.findOne({ where: { commandId } });
  }

  /** The pile a command was sent to, for the gateway to check that an ack comes from it. */
  async pileOf(commandId: string): Promise<string | undefined> {
    const row = await this.db.models.PileCommandEntry.findOne({ where: { commandId }, attributes: ['pileId'] });
    return row?.pileId;
  }

  /** Newest first, one page; `nextCursor` is set when older commands may follow. */
  async list(filter: PileCommandFilter): Promise<{ commands: PileCommandEntry[]; nextCursor: number | null }> {
    const where: WhereOptions<PileCommandEntry> = {
      ...(filter.pileCode ? { pileCode: filter.pileCode } : {}),
      ...(filter.state ? { state: filter.state } : {}),
      ...(filter.before ? { seq: { [Op.lt]: filter.before } } : {}),
    };
    const commands = await this.db.models.PileCommandEntry.findAll({ where, order: [['seq', 'DESC']], limit: filter.limit });
    return { commands, nextCursor: commands.length === filter.limit ? commands[commands.length - 1].seq : null };
  }
}

/** A session's progress as its record says (the session workflow writes it at every transition). */
export class SessionProgressRecords implements SessionProgressReader {
  constructor(private readonly db: Database) {}

  async progress(sessionId: string): Promise<SessionProgress | undefined> {
    const row = await this.db.models.ChargingSession.findByPk(sessionId, { attributes: ['status', 'endReason', 'startedAt', 'meterStartWh'] });
    if (!row) return undefined;
    return { status: row.status, ...(row.endReason ? { endReason: row.endReason } : {}), started: row.startedAt !== null || row.meterStartWh !== null };
  }
}
