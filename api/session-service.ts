import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { AuditLog } from '../db/audit-log';
import type { DriverAccounts } from '../db/driver-accounts';
import type { ChargingSession } from '../db/models';
import type { SessionFilter, SessionRecords } from '../db/session-records';
import type { StationDirectory } from '../db/stations';
import type { SessionRequestKeys } from '../db/session-request-keys';
import { DomainError } from '../domain/errors';
import { pileDisplayStatus } from '../domain/pile-status';
import { isFinal } from '../domain/session-state';
import { admitSession } from '../infra/session-admission';
import type { PaymentMode } from '../domain/payscore';
import type { WeChatPayscorePermissions } from '../payments/wechat-pay/wechat-payscore-permissions';
import type { DriverLimits } from '../domain/stop-conditions';
import type { LiveProgress, LiveState } from '../live/live-state';
import {
  type ChargingSessionInput,
  type SessionPolicy,
  type SessionView,
  type StopChargingRequest,
  cancelReservationUpdate,
  retrySettlementUpdate,
  sessionStateQuery,
  sessionWorkflowId,
  startReservedUpdate,
  stopChargingUpdate,
} from '../workflows/charging-session.messages';
import { type AuthUser, auditActor, isStaff } from './auth';
import { toDomainError } from './errors';
import type { SessionWatchers } from './session-watchers';

export interface SessionRequest {
  pileCode: string;
  reserve: boolean;
  limits: DriverLimits;
  /** How the driver pays; unset: the wallet. */
  paymentMode?: PaymentMode;
}

/** The API's use cases for charging sessions: each starts, messages or reads a session workflow. */
export class SessionService {
  constructor(
    private readonly deps: {
      temporal: Client;
      taskQueue: string;
      policy: SessionPolicy;
      stations: StationDirectory;
      records: SessionRecords;
      requestKeys: SessionRequestKeys;
      live: LiveState;
      watchers: Pick<SessionWatchers, 'polledOver'>;
      /** Where a staff stop of someone else's session is recorded. */
      audit: Pick<AuditLog, 'witness'>;
      /** Frozen driver accounts start and reserve nothing (ACCOUNT_FROZEN). */
      accounts: Pick<DriverAccounts, 'assertNotFrozen'>;
      /** The ways a driver may pay here: the wallet, and WeChat Pay Score when configured. */
      paymentModes: readonly PaymentMode[];
      /** With `payscore` among the modes: whether a driver enabled it (PAYSCORE_NOT_ENABLED before any workflow starts). */
      payscorePermissions?: Pick<WeChatPayscorePermissions, 'assertEnabled' | 'stateOf'>;
    },
  ) {}

  /**
   * Starts (or reserves) a session; resolves once it holds the pile, or fails ACCOUNT_FROZEN / PILE_BUSY /
   * INSUFFICIENT_BALANCE. The API's one place a new session (the driver's, or an operator's start on their behalf) is
   * admitted; a card tapped at an OCPP charger is admitted the same way (admitSession) by the central system.
   */
  async request(user: AuthUser, request: SessionRequest, idempotencyKey?: string): Promise<SessionResource> {
    await this.deps.accounts.assertNotFrozen(user.id);
    const paymentMode = request.paymentMode ?? 'wallet';
    if (!this.deps.paymentModes.includes(paymentMode)) throw new DomainError('VALIDATION_FAILED', `paymentMode: ${paymentMode} is not offered here`, { field: 'paymentMode' });
    if (paymentMode === 'payscore') await this.deps.payscorePermissions?.assertEnabled(user.id);
    const found = await this.deps.stations.pileByCode(request.pileCode);
    if (!found) throw new DomainError('NOT_FOUND', `no pile has the code ${request.pileCode}`, { field: 'pileCode' });
    const { pile, station, tariff } = found;
    if (found.retired) throw new DomainError('PILE_UNAVAILABLE', `pile ${pile.code} is out of service`);
    const status = pileDisplayStatus(await this.deps.live.pileDevice(pile.id));
    if (status === 'offline' || status === 'fault') throw new DomainError('PILE_UNAVAILABLE', `pile ${pile.code} is ${status}`);

    const sessionId = idempotencyKey ? await this.deps.requestKeys.sessionIdFor(user.id, idempotencyKey, randomUUID) : randomUUID();
    const input: ChargingSessionInput = {
      sessionId,
      userId: user.id,
      pileId: pile.id,
      stationId: station.id,
      tariff,
      limits: request.limits,
      reserve: request.reserve,
      policy: this.deps.policy,
      pileRatedPowerW: pile.maxPowerW,
      paymentMode,
    };
    try {
      return sessionResource(await admitSession(this.deps.temporal, this.deps.taskQueue, input, `Charging session on pile ${pile.code} (${station.name})`));
    } catch (error) {
      // The same Idempotency-Key after its session ended: answer with that session.
      if (idempotencyKey && (error instanceof WorkflowExecutionAlreadyStartedError || (error as Error).cause instanceof WorkflowExecutionAlreadyStartedError)) {
        return this.view(user, sessionId);
      }
      throw toDomainError(error);
    }
  }

  /** Starting a reservation is starting a session: a driver frozen since they reserved is refused (they may still cancel). */
  async startReserved(user: AuthUser, sessionId: string): Promise<SessionResource> {
    const record = await this.record(user, sessionId);
    await this.deps.accounts.assertNotFrozen(record.userId);
    return this.update(user, sessionId, startReservedUpdate);
  }

  /** The ways a driver may pay for a session here, and whether this driver enabled WeChat Pay Score when it is one. */
  async paymentModesFor(user: AuthUser): Promise<{ paymentModes: readonly PaymentMode[]; payscoreEnabled?: boolean }> {
    const { paymentModes, payscorePermissions } = this.deps;
    if (!paymentModes.includes('payscore') || !payscorePermissions) return { paymentModes };
    return { paymentModes, payscoreEnabled: (await payscorePermissions.stateOf(user.id)).state === 'available' };
  }

  cancelReservation = (user: AuthUser, sessionId: string) => this.update(user, sessionId, cancelReservationUpdate);

  /**
   * Stops charging. The driver stops their own session; an operator or admin may stop anyone's, but only with a
   * reason, which the workflow records with their id (STAFF_STOPPED, flagged for review) and the audit log keeps.
   */
  async stop(user: AuthUser, sessionId: string, reason?: string): Promise<SessionResource> {
    const record = await this.record(user, sessionId);
    if (record.userId === user.id) return this.sendStop(sessionId, {});
    return this.deps.audit.witness(auditActor(user), { action: 'session.stop', target: `session:${sessionId}`, reason }, async () => {
      if (user.role !== 'operator' && user.role !== 'admin') throw new DomainError('FORBIDDEN', "only operators and admins may stop someone else's session");
      if (!reason) throw new DomainError('VALIDATION_FAILED', "reason: required to stop someone else's session", { field: 'reason' });
      return this.sendStop(sessionId, { staff: { userId: user.id, role: user.role, reason } });
    });
  }

  private async sendStop(sessionId: string, request: StopChargingRequest): Promise<SessionResource> {
    let stopping: SessionView;
    try {
      stopping = await this.deps.temporal.workflow.getHandle(sessionWorkflowId(sessionId)).executeUpdate(stopChargingUpdate, { args: [request] });
    } catch (error) {
      throw toDomainError(error);
    }
    // The driver saw the gateway's progress a moment ago: the answer must not show the older checkpoint instead.
    return this.withSavedProgress(sessionId, stopping);
  }

  async retrySettlement(staff: AuthUser, sessionId: string): Promise<SessionResource> {
    await this.record(staff, sessionId);
    try {
      return sessionResource(
        await this.deps.temporal.workflow.getHandle(sessionWorkflowId(sessionId)).executeUpdate(retrySettlementUpdate, { args: [{ requestedBy: `${staff.role}:${staff.name}` }] }),
      );
    } catch (error) {
      throw toDomainError(error);
    }
  }

  /** The stored record, with the workflow's live state while the session is active. */
  async view(user: AuthUser, sessionId: string): Promise<SessionResource> {
    const record = await this.record(user, sessionId);
    if (!isFinal(record.status)) {
      try {
        this.deps.watchers.polledOver(sessionId);
        return await this.withSavedProgress(sessionId, await this.deps.temporal.workflow.getHandle(sessionWorkflowId(sessionId)).query(sessionStateQuery));
      } catch {
        // Query unavailable (no worker right now): the stored record is still the truth up to its last transition.
      }
    }
    return viewOfRecord(record);
  }

  async timeline(user: AuthUser, sessionId: string) {
    await this.record(user, sessionId);
    const events = await this.deps.records.events(sessionId);
    return events.map((e) => ({ seq: e.seq, from: e.fromStatus, to: e.toStatus, reason: e.reason, at: e.at.toISOString() }));
  }

  async list(filter: SessionFilter) {
    return (await this.deps.records.list(filter)).map(viewOfRecord);
  }

  /** A session the user may see: their own, or any for staff. Others' sessions do not exist for them. */
  private async record(user: AuthUser, sessionId: string): Promise<ChargingSession> {
    const record = await this.deps.records.byId(sessionId);
    if (!record || (record.userId !== user.id && !isStaff(user))) throw new DomainError('NOT_FOUND', `no session ${sessionId}`);
    return record;
  }

  private async withSavedProgress(sessionId: string, view: SessionView): Promise<SessionResource> {
    return sessionResource(withLatestProgress(view, (await this.deps.live.session(sessionId))?.progress));
  }

  private async update(user: AuthUser, sessionId: string, update: typeof startReservedUpdate): Promise<SessionResource> {
    await this.record(user, sessionId);
    try {
      return sessionResource(await this.deps.temporal.workflow.getHandle(sessionWorkflowId(sessionId)).executeUpdate(update));
    } catch (error) {
      throw toDomainError(error);
    }
  }
}

/**
 * The workflow knows energy as of its last checkpoint (up to a minute old); the gateway's saved progress is a few
 * seconds old. While charging, and while stopping (its last figures until the bill), show whichever is newer.
 */
export function withLatestProgress(view: SessionView, progress: LiveProgress | undefined): SessionView {
  if ((view.status !== 'CHARGING' && view.status !== 'STOPPING') || !progress || progress.energyWh < view.energyWh) return view;
  return { ...view, energyWh: progress.energyWh, powerW: progress.powerW, costFen: progress.costFen, socPercent: progress.socPercent ?? view.socPercent };
}

/** A session as the HTTP API and the live socket show it: every time an ISO 8601 string, like every other time of the API. */
export type SessionResource = Omit<SessionView, 'reservedUntil' | 'startedAt' | 'stoppedAt' | 'lastHeardAt'> & {
  reservedUntil?: string;
  startedAt?: string;
  stoppedAt?: string;
  lastHeardAt?: string;
};

const isoTime = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

/** The workflow's view (epoch ms, as workflows keep time) as the API shows it. */
export function sessionResource(view: SessionView): SessionResource {
  return { ...view, reservedUntil: isoTime(view.reservedUntil), startedAt: isoTime(view.startedAt), stoppedAt: isoTime(view.stoppedAt), lastHeardAt: isoTime(view.lastHeardAt) };
}

const ms = (d: Date | null) => (d ? d.getTime() : undefined);

/** A stored session record as the API shows it (when the session has ended or its workflow cannot be asked). */
export function viewOfRecord(r: ChargingSession): SessionResource {
  return sessionResource({
    sessionId: r.id,
    status: r.status,
    waitingFor: isFinal(r.status) ? 'nothing: the session has ended' : 'see the live workflow',
    pileId: r.pileId,
    stationId: r.stationId,
    userId: r.userId,
    limits: r.limits,
    paymentMode: r.paymentMode,
    reservedUntil: ms(r.reservedUntil),
    heldFen: r.heldFen ?? undefined,
    startedAt: ms(r.startedAt),
    stoppedAt: ms(r.stoppedAt),
    meterStartWh: r.meterStartWh ?? undefined,
    energyWh: r.energyWh ?? 0,
    costFen: r.bill?.totalFen ?? 0,
    powerW: 0,
    endReason: r.endReason ?? undefined,
    needsReview: r.needsReview,
    reviewReason: r.reviewReason ?? undefined,
    bill: r.bill ?? undefined,
    settlementAttempts: 0,
  });
}
