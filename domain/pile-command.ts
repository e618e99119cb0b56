import { type EndReason, type SessionStatus, isFinal } from './session-state';

/** What the platform can ask a pile to do, whatever protocol the pile speaks (ours over MQTT, later OCPP). */
export const PILE_COMMAND_TYPES = ['start', 'stop', 'configure', 'reset', 'unlock'] as const;
export type PileCommandType = (typeof PILE_COMMAND_TYPES)[number];

export type PileCommandParams = Record<string, string | number | boolean>;

/** A command for one pile, as a session (or an operator) asks for it; the device adapter signs and delivers it. */
export interface PileCommand {
  commandId: string;
  pileId: string;
  type: PileCommandType;
  sessionId?: string;
  /** Unpredictable, chosen by whoever waits for the ack (a session workflow draws it from its seeded random). */
  nonce: string;
  params?: PileCommandParams;
  ttlSeconds: number;
}

// ── operator commands (issue 11) ─────────────────────────────────────────────────────────────

/** Where an operator's command stands: `sent` until the pile (or the session it started or stopped) answers. */
export const OPERATOR_COMMAND_STATES = ['sent', 'accepted', 'rejected', 'expired', 'failed'] as const;
export type OperatorCommandState = (typeof OPERATOR_COMMAND_STATES)[number];

export const isFinalCommandState = (state: OperatorCommandState) => state !== 'sent';

/** Bounds of what `configure` may set; a pile refuses anything else with `invalid_params`. */
export const CONFIGURE_LIMITS = {
  maxPowerW: { min: 1000, max: 350_000 },
  heartbeatIntervalS: { min: 5, max: 3600 },
  qrContentMaxLength: 512,
  displayPriceFenPerKwh: { min: 0, max: 100_000 },
} as const;

/** The connectors a pile may have; `unlock` names one of them. */
export const MAX_CONNECTORS = 8;

export type ParamsVerdict = { ok: true; params: PileCommandParams } | { ok: false; field: string; message: string };

const invalid = (field: string, message: string): ParamsVerdict => ({ ok: false, field: `params.${field}`, message });
const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);

function intIn(params: Record<string, unknown>, key: string, range: { min: number; max: number }): ParamsVerdict | undefined {
  const value = params[key];
  if (value === undefined) return undefined;
  if (!isInt(value) || value < range.min || value > range.max) return invalid(key, `must be a whole number from ${range.min} to ${range.max}`);
  return undefined;
}

/**
 * The params a command of `type` may carry, checked the same way by the API (before sending) and by a pile (the
 * simulator, on receiving): `configure` takes any of maxPowerW, heartbeatIntervalS, qrContent,
 * displayPriceFenPerKwh (at least one); `unlock` takes a connectorId; `start`, `stop` and `reset` take none.
 * Unknown keys are refused, so a typo never becomes a silent no-op.
 */
export function validateCommandParams(type: PileCommandType, params: Record<string, unknown> | undefined): ParamsVerdict {
  const given = params ?? {};
  const allowed: readonly string[] =
    type === 'configure' ? ['maxPowerW', 'heartbeatIntervalS', 'qrContent', 'displayPriceFenPerKwh'] : type === 'unlock' ? ['connectorId'] : [];
  const unknown = Object.keys(given).find((key) => !allowed.includes(key));
  if (unknown !== undefined) return invalid(unknown, allowed.length ? `not a parameter of ${type} (allowed: ${allowed.join(', ')})` : `${type} takes no parameters`);
  if (type === 'configure') {
    if (Object.keys(given).length === 0) return { ok: false, field: 'params', message: 'configure needs at least one of maxPowerW, heartbeatIntervalS, qrContent, displayPriceFenPerKwh' };
    const failed =
      intIn(given, 'maxPowerW', CONFIGURE_LIMITS.maxPowerW) ??
      intIn(given, 'heartbeatIntervalS', CONFIGURE_LIMITS.heartbeatIntervalS) ??
      intIn(given, 'displayPriceFenPerKwh', CONFIGURE_LIMITS.displayPriceFenPerKwh);
    if (failed) return failed;
    const qr = given.qrContent;
    if (qr !== undefined && (typeof qr !== 'string' || qr.length === 0 || qr.length > CONFIGURE_LIMITS.qrContentMaxLength)) {
      return invalid('qrContent', `must be text of 1 to ${CONFIGURE_LIMITS.qrContentMaxLength} characters`);
    }
  }
  if (type === 'unlock') {
    if (given.connectorId === undefined) return invalid('connectorId', 'required: the connector to unlock');
    const failed = intIn(given, 'connectorId', { min: 1, max: MAX_CONNECTORS });
    if (failed) return failed;
  }
  return { ok: true, params: given as PileCommandParams };
}

/**
 * When a command not yet acknowledged is sent again: after `initialMs`, then each wait doubled up to `maxMs`, all
 * within the command's TTL (a resend after the TTL would be refused by the pile as expired anyway).
 * Returns the delays from the first send, e.g. waits of 5 s, 10 s, 20 s, 20 s for a TTL of 60 s: [5000, 15000, 35000, 55000].
 */
export function resendSchedule(ttlMs: number, backoff: { initialMs: number; maxMs: number }): number[] {
  const at: number[] = [];
  let wait = Math.max(1, backoff.initialMs);
  for (let t = wait; t < ttlMs; t += wait) {
    at.push(t);
    wait = Math.min(wait * 2, Math.max(1, backoff.maxMs));
  }
  return at;
}

/** A session as a start or stop command sees it: its record's status, end reason and whether energy ever flowed. */
export interface SessionProgress {
  status: SessionStatus;
  endReason?: EndReason;
  started: boolean;
}

/** Refusals by the pile or the platform: the answer was no. Anything else that ends a start without charging failed. */
const START_REFUSALS: readonly string[] = ['START_REFUSED', 'INSUFFICIENT_BALANCE', 'PILE_BUSY'];

/**
 * The outcome of an operator's start or stop, read from the session it started or stopped (undefined: not decided
 * yet). A start is accepted once the session charges; rejected when the pile refused it, the pile was taken or the
 * driver's pre-authorization was declined; failed when the session ended without charging for another reason.
 * A stop is accepted once the session has left STARTING, CHARGING and STOPPING (the pile confirmed, or the session
 * gave up waiting and billed what it knew: the detail says which end reason it recorded).
 */
export function commandOutcomeOfSession(
  type: 'start' | 'stop',
  session: SessionProgress | undefined,
): { state: Exclude<OperatorCommandState, 'sent'>; detail: string } | undefined {
  if (!session) return undefined;
  const { status, endReason, started } = session;
  const why = endReason ? `${status} (${endReason})` : status;
  if (type === 'stop') {
    if (status === 'STARTING' || status === 'CHARGING' || status === 'STOPPING') return undefined;
    return { state: 'accepted', detail: `session ${why}` };
  }
  if (started || status === 'CHARGING') return { state: 'accepted', detail: `session ${why}` };
  if (!isFinal(status)) return undefined;
  const refused = status === 'DECLINED' || status === 'REJECTED' || (endReason !== undefined && START_REFUSALS.includes(endReason));
  return { state: refused ? 'rejected' : 'failed', detail: `session ${why} without charging` };
}
