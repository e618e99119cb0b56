import { createHash, randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { AuditLog } from '../db/audit-log';
import type { PileCommandEntry } from '../db/models';
import type { PileCommandFilter, PileCommandRecords } from '../db/pile-commands';
import type { SessionRecords } from '../db/session-records';
import type { StationDirectory } from '../db/stations';
import type { StationCharger, StationPowerCaps } from '../db/station-power-caps';
import type { UserDirectory } from '../db/users';
import { DomainError } from '../domain/errors';
import { type PileCommandParams, type PileCommandType, commandSupportedBy, takesConnector, validateCommandParams } from '../domain/pile-command';
import { pileDisplayStatus } from '../domain/pile-status';
import type { LiveState } from '../live/live-state';
import { PILE_COMMAND_WORKFLOW, type PileCommandInput, type PileCommandPolicy, pileCommandWorkflowId } from '../workflows/pile-command.messages';
import { pileCommandSearchAttributes } from '../workflows/search-attributes';
import { type AuthUser, auditActor } from './auth';
import type { SessionService } from './session-service';

export interface PileCommandRequest {
  commandId?: string;
  type: PileCommandType;
  reason: string;
  driverId?: string;
  connectorId?: number;
  params?: Record<string, unknown>;
}

/** A command as the API shows it (contract: "Commands"); times are ISO 8601. */
export interface PileCommandResource {
  commandId: string;
  pileCode: string;
  pileId: string;
  type: PileCommandType;
  params: PileCommandParams;
  reason: string;
  state: PileCommandEntry['state'];
  requestedBy: { id: string; name: string; role: string };
  sessionId?: string;
  workflowId: string;
  attempts: number;
  detail?: string;
  createdAt: string;
  updatedAt: string;
}

export function commandResource(row: PileCommandEntry): PileCommandResource {
  return {
    commandId: row.commandId,
    pileCode: row.pileCode,
    pileId: row.pileId,
    type: row.type,
    params: row.params,
    reason: row.reason,
    state: row.state,
    requestedBy: { id: row.requestedById, name: row.requestedByName, role: row.requestedByRole },
    ...(row.sessionId ? { sessionId: row.sessionId } : {}),
    workflowId: row.workflowId,
    attempts: row.attempts,
    ...(row.detail ? { detail: row.detail } : {}),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** A station's power cap as sent: the share each charger got, its commands, and the chargers that were offline. */
export interface StationPowerCap {
  stationId: string;
  capW: number;
  chargers: number;
  limitW: number;
  commands: PileCommandResource[];
  skipped: { pileCode: string; reason: string }[];
}

/** How long commands live and how they are resent; the defaults suit a pile on a mobile network. */
export interface PileCommandTiming {
  /** reset, unlock, configure: unacknowledged after this, the command is expired. */
  deviceTtlMs: number;
  resend: { initialMs: number; maxMs: number };
  /** start and stop wait for their session, which itself gives the pile its start and stop ack windows. */
  sessionTtlMs: number;
  sessionPollMs: number;
}

export const DEFAULT_PILE_COMMAND_TIMING: PileCommandTiming = {
  deviceTtlMs: 60_000,
  resend: { initialMs: 5_000, maxMs: 20_000 },
  sessionTtlMs: 5 * 60_000,
  sessionPollMs: 2_000,
};

/**
 * A client's Idempotency-Key, scoped to the staff member, as a command id (a UUID): the same key from the same
 * person is the same command, with no table of keys.
 */
export function commandIdForKey(staffId: string, key: string): string {
  const h = createHash('sha256').update(`${staffId}\n${key}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h[16], 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * Starts a command's workflow once: the workflow id is the command's, a running one is reused and a closed one is
 * never run again (REJECT_DUPLICATE), so the same command id can reach the pile through one workflow only.
 */
export async function startPileCommandWorkflow(temporal: Client, taskQueue: string, input: PileCommandInput): Promise<void> {
  try {
    await temporal.workflow.start(PILE_COMMAND_WORKFLOW, {
      workflowId: pileCommandWorkflowId(input.commandId),
      taskQueue,
      args: [input],
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      staticSummary: `${input.type} on pile ${input.pileCode} by ${input.requestedBy.role} ${input.requestedBy.name}: ${input.reason}`.slice(0, 200),
      memo: { type: input.type, pileCode: input.pileCode, reason: input.reason, requestedBy: input.requestedBy, ...(input.sessionId ? { sessionId: input.sessionId } : {}) },
      typedSearchAttributes: [
        { key: pileCommandSearchAttributes.pileId, value: input.pileId },
        { key: pileCommandSearchAttributes.state, value: 'sent' },
      ],
    });
  } catch (error) {
    // The command ran before and has ended: its record says how.
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
  }
}

/**
 * Operators' remote commands. Each is a workflow (`pile-command-<commandId>`) that records every state change in
 * `pile_commands`, which the list and detail routes read.
 *
 * start and stop act through the charging session, not beside it: a start on behalf of a driver is that driver's
 * session request (same pre-authorization, same session workflow, keyed by the command id so a repeat finds it);
 * a stop is the existing staff stop of the pile's current session (ends STAFF_STOPPED, flagged for review). The
 * command's workflow then follows that session's record: the session workflow alone commands the pile and counts
 * its acks, so the two can never disagree about what the pile was told.
 */
export class PileCommandService {
  constructor(
    private readonly deps: {
      temporal: Client;
      taskQueue: string;
      records: PileCommandRecords;
      stations: Pick<StationDirectory, 'pileByCode' | 'get'>;
      live: Pick<LiveState, 'pileDevice'>;
      sessions: Pick<SessionService, 'request' | 'stop'>;
      sessionRecords: Pick<SessionRecords, 'activeOnPile'>;
      users: Pick<UserDirectory, 'byId'>;
      audit: Pick<AuditLog, 'witness'>;
      caps: Pick<StationPowerCaps, 'set' | 'clear' | 'capOf' | 'chargersOf' | 'shareOf'>;
      timing?: PileCommandTiming;
    },
  ) {}

  private get timing(): PileCommandTiming {
    return this.deps.timing ?? DEFAULT_PILE_COMMAND_TIMING;
  }

  /** Sends a command (202 with its record); the same command id again answers with the same command, sending nothing. */
  async send(staff: AuthUser, pileCode: string, request: PileCommandRequest, idempotencyKey?: string): Promise<PileCommandResource> {
    const commandId = request.commandId ?? (idempotencyKey ? commandIdForKey(staff.id, idempotencyKey) : randomUUID());
    const existing = await this.deps.records.byId(commandId);
    if (existing) return this.repeated(existing, pileCode, request);
    const params = commandParams(request);
    const { deps } = this;
    return deps.audit.witness(auditActor(staff), { action: 'pile.command', target: `pile:${pileCode}`, reason: `${request.type}: ${request.reason}` }, async () => {
      const found = await deps.stations.pileByCode(pileCode);
      if (!found) throw new DomainError('NOT_FOUND', `no pile has the code ${pileCode}`);
      const { pile } = found;
      const supported = commandSupportedBy(pile.protocol, request.type, params);
      if (!supported.ok) throw new DomainError('CONFLICT', `pile ${pileCode}: ${supported.message}`, { field: 'type' });
      if (pileDisplayStatus(await deps.live.pileDevice(pile.id)) === 'offline') throw new DomainError('PILE_UNAVAILABLE', `pile ${pileCode} is offline`);
      const sessionId = await this.actThroughSession(staff, pileCode, pile.id, commandId, request);
      const input: PileCommandInput = {
        commandId,
        pileId: pile.id,
        pileCode,
        type: request.type,
        params,
        reason: request.reason,
        requestedBy: { id: staff.id, name: staff.name, role: staff.role },
        ...(sessionId ? { sessionId } : {}),
        policy: this.policyFor(request.type),
      };
      const row = await deps.records.recorded({ ...input, workflowId: pileCommandWorkflowId(commandId), at: Date.now() });
      await startPileCommandWorkflow(deps.temporal, deps.taskQueue, input);
      return commandResource(row);
    });
  }

  /**
   * A station's power cap (docs/ocpp.md): stored (audited), so it is applied again when one of the station's OCPP
   * chargers boots or one is added, then shared now between the chargers (see shareCap).
   */
  async capStation(staff: AuthUser, stationId: string, request: { capW: number; reason: string }, idempotencyKey?: string): Promise<StationPowerCap> {
    await this.requireChargers(stationId);
    const { deps } = this;
    await deps.audit.witness(auditActor(staff), { action: 'station.power_cap.set', target: `station:${stationId}`, reason: `${request.capW} W: ${request.reason}` }, () =>
      deps.caps.set(stationId, request.capW, request.reason, { id: staff.id, name: staff.name }),
    );
    return this.shareCap(staff, stationId, idempotencyKey);
  }

  async storedCap(stationId: string) {
    if (!(await this.deps.stations.get(stationId))) throw new DomainError('NOT_FOUND', `no station ${stationId}`);
    const cap = await this.deps.caps.capOf(stationId);
    return cap ? { stationId, capW: cap.capW, reason: cap.reason, setBy: cap.setBy, updatedAt: cap.updatedAt.toISOString() } : null;
  }

  /** The stored cap shared again (after a charger was added, so every charger's share shrinks); undefined without a cap. */
  async reshareCap(staff: AuthUser, stationId: string): Promise<StationPowerCap | undefined> {
    return (await this.deps.caps.capOf(stationId)) ? this.shareCap(staff, stationId) : undefined;
  }

  /** Clears the station's cap (audited): each connected charger is told to clear its ChargePointMaxProfile (capW 0 in the answer). */
  async clearStationCap(staff: AuthUser, stationId: string, reason: string, idempotencyKey?: string): Promise<StationPowerCap> {
    const chargers = await this.requireChargers(stationId);
    const { deps } = this;
    // Clearing again (a retry) clears nothing more and asks the chargers again: the same commands with an Idempotency-Key.
    await deps.audit.witness(auditActor(staff), { action: 'station.power_cap.clear', target: `station:${stationId}`, reason }, () => deps.caps.clear(stationId));
    const { commands, skipped } = await this.toEachCharger(staff, chargers, idempotencyKey, {
      type: 'clearProfile',
      reason: `station cap cleared: ${reason}`.slice(0, 500),
      params: { purpose: 'ChargePointMaxProfile' },
    });
    return { stationId, capW: 0, chargers: chargers.length, limitW: 0, commands, skipped };
  }

  /**
   * The stored cap shared equally between the station's OCPP chargers (a charger of several connectors is one): each
   * connected one gets a tracked `setProfile` command (ChargePointMaxProfile, cap / number of chargers, in W) on its
   * first connector's pile. Offline chargers count in the share (so the chargers together stay under the cap) but are
   * skipped, named in the answer; they get their share from the central system when they boot. With an
   * Idempotency-Key, each charger's command id derives from the key and its code, so a retry sends nothing twice.
   */
  private async shareCap(staff: AuthUser, stationId: string, idempotencyKey?: string): Promise<StationPowerCap> {
    const share = await this.deps.caps.shareOf(stationId);
    if (!share) throw new DomainError('CONFLICT', `station ${stationId} has no power cap or no OCPP charger`);
    const { capW, chargers, limitW } = share;
    const { commands, skipped } = await this.toEachCharger(staff, chargers, idempotencyKey, {
      type: 'setProfile',
      reason: `station cap ${capW} W: ${share.reason}`.slice(0, 500),
      params: { purpose: 'ChargePointMaxProfile', limit: limitW, unit: 'W' },
    });
    return { stationId, capW, chargers: chargers.length, limitW, commands, skipped };
  }

  private async requireChargers(stationId: string): Promise<StationCharger[]> {
    if (!(await this.deps.stations.get(stationId))) throw new DomainError('NOT_FOUND', `no station ${stationId}`);
    const chargers = await this.deps.caps.chargersOf(stationId);
    if (chargers.length === 0) throw new DomainError('CONFLICT', `station ${stationId} has no OCPP charger to share a power cap between`);
    return chargers;
  }

  /** One command to each charger; an offline charger is skipped, named with why. */
  private async toEachCharger(
    staff: AuthUser,
    chargers: StationCharger[],
    idempotencyKey: string | undefined,
    request: Omit<PileCommandRequest, 'commandId'>,
  ): Promise<Pick<StationPowerCap, 'commands' | 'skipped'>> {
    const commands: PileCommandResource[] = [];
    const skipped: { pileCode: string; reason: string }[] = [];
    for (const { pileCode } of chargers) {
      const commandId = idempotencyKey ? commandIdForKey(staff.id, `${idempotencyKey}\n${pileCode}`) : randomUUID();
      try {
        commands.push(await this.send(staff, pileCode, { ...request, commandId }));
      } catch (error) {
        if (!(error instanceof DomainError) || error.code !== 'PILE_UNAVAILABLE') throw error;
        skipped.push({ pileCode, reason: error.message });
      }
    }
    return { commands, skipped };
  }

  async get(commandId: string): Promise<PileCommandResource> {
    const row = await this.deps.records.byId(commandId);
    if (!row) throw new DomainError('NOT_FOUND', `no command ${commandId}`);
    return commandResource(row);
  }

  async list(filter: PileCommandFilter): Promise<{ commands: PileCommandResource[]; nextCursor?: string }> {
    const { commands, nextCursor } = await this.deps.records.list(filter);
    return { commands: commands.map(commandResource), ...(nextCursor ? { nextCursor: String(nextCursor) } : {}) };
  }

  /**
   * The same command id again: the recorded command, provided it asks for the same thing. Its workflow is started
   * again if the first request recorded the command but did not get that far (a no-op when it did).
   */
  private async repeated(row: PileCommandEntry, pileCode: string, request: PileCommandRequest): Promise<PileCommandResource> {
    if (row.pileCode !== pileCode || row.type !== request.type) {
      throw new DomainError('CONFLICT', `command ${row.commandId} was a ${row.type} for pile ${row.pileCode}`, { field: 'commandId' });
    }
    if (row.state === 'sent') {
      await startPileCommandWorkflow(this.deps.temporal, this.deps.taskQueue, {
        commandId: row.commandId,
        pileId: row.pileId,
        pileCode: row.pileCode,
        type: row.type,
        params: row.params,
        reason: row.reason,
        requestedBy: { id: row.requestedById, name: row.requestedByName, role: row.requestedByRole },
        ...(row.sessionId ? { sessionId: row.sessionId } : {}),
        policy: this.policyFor(row.type),
      });
    }
    return commandResource(row);
  }

  /** start: the driver's own session request; stop: the staff stop of the pile's session. Returns the session's id. */
  private async actThroughSession(staff: AuthUser, pileCode: string, pileId: string, commandId: string, request: PileCommandRequest): Promise<string | undefined> {
    if (request.type === 'start') {
      const driver = request.driverId ? await this.deps.users.byId(request.driverId) : null;
      if (!driver || driver.role !== 'driver') throw new DomainError('NOT_FOUND', `no driver ${request.driverId}`, { field: 'driverId' });
      const session = await this.deps.sessions.request({ id: driver.id, name: driver.name, role: 'driver' }, { pileCode, reserve: false, limits: {} }, `pile-command:${commandId}`);
      return session.sessionId;
    }
    if (request.type === 'stop') {
      const active = await this.deps.sessionRecords.activeOnPile(pileId);
      if (!active || (active.status !== 'STARTING' && active.status !== 'CHARGING')) {
        throw new DomainError('SESSION_STATE_CONFLICT', `pile ${pileCode} has no session charging to stop`);
      }
      await this.deps.sessions.stop(staff, active.sessionId, request.reason);
      return active.sessionId;
    }
    return undefined;
  }

  private policyFor(type: PileCommandType): PileCommandPolicy {
    const { deviceTtlMs, sessionTtlMs, resend, sessionPollMs } = this.timing;
    return { ttlMs: type === 'start' || type === 'stop' ? sessionTtlMs : deviceTtlMs, resend, sessionPollMs };
  }
}

/** The params the pile gets (a top-level connectorId joins them); refused with the offending field. */
function commandParams(request: PileCommandRequest): PileCommandParams {
  if (request.type === 'start' && !request.driverId) throw new DomainError('VALIDATION_FAILED', 'driverId: required for start (the session is charged to this driver)', { field: 'driverId' });
  if (request.type !== 'start' && request.driverId !== undefined) throw new DomainError('VALIDATION_FAILED', 'driverId: only for start', { field: 'driverId' });
  if (!takesConnector(request.type) && request.connectorId !== undefined) throw new DomainError('VALIDATION_FAILED', `connectorId: not for ${request.type}`, { field: 'connectorId' });
  const given = takesConnector(request.type) ? { ...request.params, ...(request.connectorId === undefined ? {} : { connectorId: request.connectorId }) } : request.params;
  const verdict = validateCommandParams(request.type, given);
  if (!verdict.ok) throw new DomainError('VALIDATION_FAILED', `${verdict.field}: ${verdict.message}`, { field: verdict.field === 'params.connectorId' ? 'connectorId' : verdict.field });
  return verdict.params;
}
