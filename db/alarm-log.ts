import { Op, UniqueConstraintError, type WhereOptions } from 'sequelize';
import { type AlarmAction, type AlarmState, DEFAULT_ALARM_QUIET_MS, allowedAction, belongsToResolved, onRaise, resolvesItself } from '../domain/alarm-rules';
import { DomainError } from '../domain/errors';
import type { Database } from './database';
import type { Alarm, AlarmEvent, AlarmKind } from './models';

/** Who did something to an alarm; null actor is the platform. */
export interface AlarmActor {
  id: string;
  name: string;
  role: string;
}

/** What the alarm workflows hear of an alarm's life (infra/alarm-workflows.ts starts and signals them). */
export interface AlarmWorkflowPort {
  opened(alarm: AlarmRef): Promise<void>;
  changed(alarm: AlarmRef, change: 'raised-again' | 'cleared' | 'acknowledged' | 'resolved'): Promise<void>;
}

/** Which alarm; its pile when the caller has it at hand, so what is logged about the alarm names the pile too. */
export interface AlarmRef {
  id: number;
  pileId?: string;
}

/** An alarm as the API shows it (api-contract.md, "Alarms"). */
export interface AlarmView {
  id: number;
  pileId: string;
  pileCode: string | null;
  stationId: string | null;
  kind: AlarmKind;
  code: string;
  message: string | null;
  state: AlarmState;
  raisedAt: Date;
  clearedAt: Date | null;
  acknowledgedAt: Date | null;
  acknowledgedBy: { id: string; name: string } | null;
  assignee: { id: string; name: string } | null;
  resolvedAt: Date | null;
  occurrences: number;
  escalationLevel: number;
}

export interface AlarmHistoryEntry {
  at: Date;
  actor: { id: string; name: string; role: string } | null;
  action: AlarmAction;
  detail: string | null;
}

export interface AlarmFilter {
  state?: AlarmState;
  /** A pile's code or id. */
  pile?: string;
  stationId?: string;
  limit?: number;
}

const openKeyOf = (pileId: string, kind: AlarmKind) => `${pileId}|${kind}`;
const NOBODY: AlarmWorkflowPort = { opened: async () => undefined, changed: async () => undefined };

/**
 * Operator alarms: at most one unresolved alarm per pile and kind (a unique key, not a look-up, guarantees it); a
 * raise while one is unresolved folds into it (domain/alarm-rules.ts). Every change leaves a history row and tells
 * the alarm's workflow, which notifies and escalates.
 */
export class AlarmLog {
  private readonly workflows: AlarmWorkflowPort;
  private readonly quietMs: number;

  constructor(
    private readonly db: Database,
    options: { workflows?: AlarmWorkflowPort; quietMs?: number } = {},
  ) {
    this.workflows = options.workflows ?? NOBODY;
    this.quietMs = options.quietMs ?? DEFAULT_ALARM_QUIET_MS;
  }

  /** Raises a pile's condition; true when that opened a new alarm, false when it folded into the unresolved one. */
  async raise(pileId: string, kind: AlarmKind, code: string, message: string, at: Date): Promise<boolean> {
    const { Alarm } = this.db.models;
    const openKey = openKeyOf(pileId, kind);
    const existing = await Alarm.findOne({ where: { openKey } });
    const condition = existing && { state: existing.state, clearedAt: existing.clearedAt?.getTime() ?? null };
    if (existing && onRaise(condition, at.getTime(), this.quietMs) === 'fold') {
      await this.fold(existing, at);
      return false;
    }
    if (!existing) {
      const last = await Alarm.findOne({ where: { pileId, kind, state: 'resolved' }, order: [['resolvedAt', 'DESC']], attributes: ['id', 'resolvedAt'] });
      if (last && belongsToResolved(last.resolvedAt?.getTime() ?? null, at.getTime())) {
        await Alarm.increment('occurrences', { by: 1, where: { id: last.id } });
        return false;
      }
    }
    if (existing) await this.resolve(null, existing.id, `its condition cleared at ${existing.clearedAt?.toISOString()} and stayed quiet; raised again as a new alarm`, at);
    const stationId = kind === 'platform' ? null : ((await this.db.models.Pile.findByPk(pileId, { attributes: ['stationId'] }))?.stationId ?? null);
    let alarm: Alarm;
    try {
      alarm = await this.db.transaction(async (transaction) => {
        const created = await Alarm.create({ pileId, kind, code, message: message.slice(0, 500), raisedAt: at, lastRaisedAt: at, clearedAt: null, openKey, stationId }, { transaction });
        await this.db.models.AlarmEvent.create({ alarmId: created.id, at, action: 'raised', actorId: null, actorName: null, actorRole: null, detail: `${code}: ${message}`.slice(0, 1000) }, { transaction });
        return created;
      });
    } catch (error) {
      // Another gateway opened it a moment ago: this raise is one more occurrence of that one.
      if (!(error instanceof UniqueConstraintError)) throw error;
      const winner = await Alarm.findOne({ where: { openKey } });
      if (winner) await this.fold(winner, at);
      return false;
    }
    await this.workflows.opened({ id: alarm.id, pileId });
    return true;
  }

  /** The condition went away (pile back online, fault cleared). The alarm stays until resolved or quiet. */
  async clear(pileId: string, kind: AlarmKind, at: Date): Promise<void> {
    const alarm = await this.db.models.Alarm.findOne({ where: { openKey: openKeyOf(pileId, kind), clearedAt: null } });
    if (!alarm) return;
    const [changed] = await this.db.models.Alarm.update({ clearedAt: at }, { where: { id: alarm.id, clearedAt: null } });
    if (!changed) return;
    // A flapping pile clears again and again with nothing in between: its history says it once (occurrences count the rest).
    const latest = await this.db.models.AlarmEvent.findOne({ where: { alarmId: alarm.id }, order: [['id', 'DESC']], attributes: ['action'] });
    if (latest?.action !== 'cleared') await this.addEvent(alarm.id, null, 'cleared', 'the condition went away', at);
    await this.workflows.changed({ id: alarm.id, pileId }, 'cleared');
  }

  private async fold(alarm: Alarm, at: Date): Promise<void> {
    const wasCleared = alarm.clearedAt !== null;
    await this.db.models.Alarm.increment('occurrences', { by: 1, where: { id: alarm.id } });
    await this.db.models.Alarm.update({ lastRaisedAt: at, clearedAt: null }, { where: { id: alarm.id } });
    if (wasCleared) await this.workflows.changed({ id: alarm.id, pileId: alarm.pileId }, 'raised-again');
  }

  /** Unresolved alarms (newest first) by default; `state` and pile / station narrow them. */
  async list(filter: AlarmFilter = {}): Promise<AlarmView[]> {
    const where: WhereOptions<Alarm> = {
      ...(filter.state ? { state: filter.state } : { state: { [Op.ne]: 'resolved' } }),
      ...(filter.stationId ? { stationId: filter.stationId } : {}),
    };
    if (filter.pile) {
      const pile = await this.db.models.Pile.findOne({ where: { [Op.or]: [{ id: filter.pile }, { code: filter.pile }] }, attributes: ['id'] });
      Object.assign(where, { pileId: pile?.id ?? filter.pile });
    }
    const alarms = await this.db.models.Alarm.findAll({ where, order: [['raisedAt', 'DESC'], ['id', 'DESC']], limit: filter.limit ?? 500 });
    return this.views(alarms);
  }

  /** Unresolved alarms (what the metrics and older callers knew as open), optionally of some piles only. */
  async open(filter: { pileIds?: string[] } = {}): Promise<Alarm[]> {
    return this.db.models.Alarm.findAll({
      where: { state: { [Op.ne]: 'resolved' }, ...(filter.pileIds ? { pileId: { [Op.in]: filter.pileIds } } : {}) },
      order: [['raisedAt', 'DESC']],
      limit: 500,
    });
  }

  /** How many alarms of this kind have their condition now (raised and not cleared, not resolved). */
  countOpen(kind: AlarmKind): Promise<number> {
    return this.db.models.Alarm.count({ where: { kind, clearedAt: null, state: { [Op.ne]: 'resolved' } } });
  }

  /** Every alarm of a pile, any state, oldest first. */
  ofPile(pileId: string): Promise<Alarm[]> {
    return this.db.models.Alarm.findAll({ where: { pileId }, order: [['id', 'ASC']] });
  }

  async get(id: number): Promise<AlarmView> {
    const alarm = await this.db.models.Alarm.findByPk(id);
    if (!alarm) throw new DomainError('NOT_FOUND', `no alarm ${id}`);
    return (await this.views([alarm]))[0];
  }

  async history(id: number): Promise<AlarmHistoryEntry[]> {
    const events = await this.db.models.AlarmEvent.findAll({ where: { alarmId: id }, order: [['id', 'ASC']], limit: 1000 });
    return events.map(historyEntry);
  }

  async acknowledge(actor: AlarmActor, id: number, note: string | undefined, at = new Date()): Promise<AlarmView> {
    await this.transition(id, 'acknowledge', { state: 'acknowledged', acknowledgedAt: at, acknowledgedBy: actor.id }, { state: 'open' });
    await this.addEvent(id, actor, 'acknowledged', note ?? null, at);
    await this.workflows.changed({ id }, 'acknowledged');
    return this.get(id);
  }

  async assign(actor: AlarmActor, id: number, staffId: string, note: string | undefined, at = new Date()): Promise<AlarmView> {
    const staff = await this.db.models.StaffAccount.findByPk(staffId);
    if (!staff || staff.disabledAt) throw new DomainError('VALIDATION_FAILED', 'staffId: no enabled staff account with this id', { field: 'staffId' });
    await this.transition(id, 'assign', { assigneeId: staffId }, { state: { [Op.ne]: 'resolved' } });
    await this.addEvent(id, actor, 'assigned', `to ${staff.username}${note ? `: ${note}` : ''}`, at);
    return this.get(id);
  }

  async note(actor: AlarmActor, id: number, note: string, at = new Date()): Promise<AlarmView> {
    const alarm = await this.get(id);
    if (!allowedAction(alarm.state, 'note')) throw new DomainError('CONFLICT', `alarm ${id} is resolved`);
    await this.addEvent(id, actor, 'note', note, at);
    return alarm;
  }

  /** Resolves an unresolved alarm: a person (`actor`), or the platform (null) when it was cleared and quiet. */
  async resolve(actor: AlarmActor | null, id: number, note: string, at = new Date()): Promise<AlarmView> {
    await this.transition(id, 'resolve', { state: 'resolved', resolvedAt: at, openKey: null }, { state: { [Op.ne]: 'resolved' } });
    await this.addEvent(id, actor, 'resolved', note, at);
    await this.workflows.changed({ id }, 'resolved');
    return this.get(id);
  }

  /** The alarm workflow's quiet check: resolves the alarm when the rules say it resolves itself. */
  async resolveIfQuiet(id: number, now: Date): Promise<boolean> {
    const alarm = await this.db.models.Alarm.findByPk(id);
    if (!alarm || !resolvesItself({ state: alarm.state, clearedAt: alarm.clearedAt?.getTime() ?? null }, now.getTime(), this.quietMs)) return false;
    const detail = `its condition cleared and stayed quiet for ${Math.round(this.quietMs / 1000)} s, and nobody had acknowledged it`;
    try {
      await this.resolve(null, id, detail, now);
    } catch (error) {
      if (error instanceof DomainError && error.code === 'CONFLICT') return false;
      throw error;
    }
    return true;
  }

  /** Writes one history row; with `onceKey`, a second write of the same step is skipped (false). */
  async addEvent(alarmId: number, actor: AlarmActor | null, action: AlarmAction, detail: string | null, at: Date, onceKey?: string): Promise<boolean> {
    try {
      await this.db.models.AlarmEvent.create({ alarmId, at, action, actorId: actor?.id ?? null, actorName: actor?.name.slice(0, 100) ?? null, actorRole: actor?.role ?? null, detail: detail?.slice(0, 1000) ?? null, onceKey: onceKey ?? null });
      return true;
    } catch (error) {
      if (onceKey && error instanceof UniqueConstraintError) return false;
      throw error;
    }
  }

  async hasEvent(onceKey: string): Promise<boolean> {
    return (await this.db.models.AlarmEvent.count({ where: { onceKey } })) > 0;
  }

  async setEscalationLevel(id: number, level: number): Promise<void> {
    await this.db.models.Alarm.update({ escalationLevel: level }, { where: { id } });
  }

  /** A conditional update: the alarm changes only from a state the action allows, under concurrency too. */
  private async transition(id: number, action: 'acknowledge' | 'assign' | 'resolve', fields: Partial<Alarm>, from: WhereOptions<Alarm>): Promise<void> {
    const [changed] = await this.db.models.Alarm.update(fields, { where: { id, ...from } as WhereOptions<Alarm> });
    if (changed) return;
    const alarm = await this.db.models.Alarm.findByPk(id, { attributes: ['state'] });
    if (!alarm) throw new DomainError('NOT_FOUND', `no alarm ${id}`);
    throw new DomainError('CONFLICT', `alarm ${id} is ${alarm.state}: it cannot be ${action === 'acknowledge' ? 'acknowledged' : action === 'assign' ? 'assigned' : 'resolved'} now`);
  }

  private async views(alarms: Alarm[]): Promise<AlarmView[]> {
    const pileIds = [...new Set(alarms.map((a) => a.pileId))];
    const staffIds = [...new Set(alarms.flatMap((a) => [a.acknowledgedBy, a.assigneeId]).filter((id): id is string => !!id))];
    const piles = pileIds.length ? await this.db.models.Pile.findAll({ where: { id: pileIds }, attributes: ['id', 'code'] }) : [];
    const users = staffIds.length ? await this.db.models.User.findAll({ where: { id: staffIds }, attributes: ['id', 'name'] }) : [];
    const codes = new Map(piles.map((p) => [p.id, p.code]));
    const names = new Map(users.map((u) => [u.id, u.name]));
    const person = (id: string | null) => (id ? { id, name: names.get(id) ?? id } : null);
    return alarms.map((a) => ({
      id: a.id,
      pileId: a.pileId,
      pileCode: codes.get(a.pileId) ?? null,
      stationId: a.stationId ?? null,
      kind: a.kind,
      code: a.code,
      message: a.message,
      state: a.state,
      raisedAt: a.raisedAt,
      clearedAt: a.clearedAt,
      acknowledgedAt: a.acknowledgedAt ?? null,
      acknowledgedBy: person(a.acknowledgedBy ?? null),
      assignee: person(a.assigneeId ?? null),
      resolvedAt: a.resolvedAt ?? null,
      occurrences: a.occurrences,
      escalationLevel: a.escalationLevel,
    }));
  }
}

function historyEntry(event: AlarmEvent): AlarmHistoryEntry {
  return {
    at: event.at,
    actor: event.actorId ? { id: event.actorId, name: event.actorName ?? event.actorId, role: event.actorRole ?? '' } : null,
    action: event.action,
    detail: event.detail,
  };
}
