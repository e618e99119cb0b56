import { type EndReason, type SessionStatus, isFinal } from './session-state';

/**
 * What the platform can ask a pile to do, whatever protocol the pile speaks. The first five mean something to every
 * pile; the rest are OCPP 1.6 operations (GetConfiguration, ChangeConfiguration, ChangeAvailability, TriggerMessage,
 * SetChargingProfile, ClearChargingProfile) that only an OCPP charger understands (see commandSupportedBy).
 */
export const PILE_COMMAND_TYPES = ['start', 'stop', 'configure', 'reset', 'unlock', 'getConfig', 'changeConfig', 'availability', 'trigger', 'setProfile', 'clearProfile'] as const;
export type PileCommandType = (typeof PILE_COMMAND_TYPES)[number];

/** Commands with no meaning in our MQTT protocol: an MQTT pile is never sent one. */
export const OCPP_ONLY_COMMAND_TYPES: readonly PileCommandType[] = ['getConfig', 'changeConfig', 'availability', 'trigger', 'setProfile', 'clearProfile'];

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

const CONFIGURE_KEYS = ['maxPowerW', 'heartbeatIntervalS', 'qrContent', 'displayPriceFenPerKwh'];

/** OCPP 1.6 bounds: configuration keys are CiString50, values CiString500; TriggerMessage's requestable messages. */
export const OCPP_LIMITS = {
  keyMaxLength: 50,
  valueMaxLength: 500,
  /** getConfig names at most this many keys (comma-separated); none asks for every key. */
  maxKeys: 20,
  /** setProfile's limit: whole watts or amperes. */
  limitW: { min: 0, max: 350_000 },
  limitA: { min: 0, max: 1_000 },
  profileId: { min: 1, max: 1_000_000 },
  stackLevel: { min: 0, max: 100 },
} as const;
export const AVAILABILITY_TYPES = ['Operative', 'Inoperative'] as const;
export const TRIGGER_MESSAGES = ['BootNotification', 'DiagnosticsStatusNotification', 'FirmwareStatusNotification', 'Heartbeat', 'MeterValues', 'StatusNotification'] as const;
/** The profiles an operator sets: a default for every transaction, or a cap on the whole charger. */
export const PROFILE_PURPOSES = ['TxDefaultProfile', 'ChargePointMaxProfile'] as const;
/** ClearChargingProfile may also name a running transaction's own profile. */
export const CLEARABLE_PROFILE_PURPOSES = ['TxDefaultProfile', 'ChargePointMaxProfile', 'TxProfile'] as const;
export const RATE_UNITS = ['W', 'A'] as const;

/** The params each command type may carry; connectorId 0 means the whole charger (OCPP). */
const ALLOWED_PARAMS: Record<PileCommandType, readonly string[]> = {
  start: [],
  stop: [],
  reset: [],
  configure: CONFIGURE_KEYS,
  unlock: ['connectorId'],
  getConfig: ['keys'],
  changeConfig: ['key', 'value'],
  availability: ['connectorId', 'availability'],
  trigger: ['message', 'connectorId'],
  setProfile: ['purpose', 'limit', 'unit', 'connectorId', 'profileId', 'stackLevel'],
  clearProfile: ['profileId', 'connectorId', 'purpose', 'stackLevel'],
};

/** Whether a command of `type` may name a connector (the API's top-level `connectorId`). */
export const takesConnector = (type: PileCommandType) => ALLOWED_PARAMS[type].includes('connectorId');

const PRINTABLE = /^[\x20-\x7e]+$/;

function oneOf(params: Record<string, unknown>, key: string, values: readonly string[], required: boolean): ParamsVerdict | undefined {
  const value = params[key];
  if (value === undefined) return required ? invalid(key, `required: one of ${values.join(', ')}`) : undefined;
  if (typeof value !== 'string' || !values.includes(value)) return invalid(key, `must be one of ${values.join(', ')}`);
  return undefined;
}

function text(params: Record<string, unknown>, key: string, maxLength: number, required: boolean): ParamsVerdict | undefined {
  const value = params[key];
  if (value === undefined) return required ? invalid(key, 'required') : undefined;
  if (typeof value !== 'string' || value.length === 0 || value.length > maxLength || !PRINTABLE.test(value)) {
    return invalid(key, `must be printable text of 1 to ${maxLength} characters`);
  }
  return undefined;
}

const connector = (params: Record<string, unknown>, min: 0 | 1) => intIn(params, 'connectorId', { min, max: MAX_CONNECTORS });

/** The rules of each type beyond its allowed keys (undefined: the params are good). */
const CHECKS: Record<PileCommandType, (p: Record<string, unknown>) => ParamsVerdict | undefined> = {
  start: () => undefined,
  stop: () => undefined,
  reset: () => undefined,
  configure(p) {
    if (Object.keys(p).length === 0) return { ok: false, field: 'params', message: `configure needs at least one of ${CONFIGURE_KEYS.join(', ')}` };
    const failed =
      intIn(p, 'maxPowerW', CONFIGURE_LIMITS.maxPowerW) ??
      intIn(p, 'heartbeatIntervalS', CONFIGURE_LIMITS.heartbeatIntervalS) ??
      intIn(p, 'displayPriceFenPerKwh', CONFIGURE_LIMITS.displayPriceFenPerKwh);
    if (failed) return failed;
    const qr = p.qrContent;
    if (qr !== undefined && (typeof qr !== 'string' || qr.length === 0 || qr.length > CONFIGURE_LIMITS.qrContentMaxLength)) {
      return invalid('qrContent', `must be text of 1 to ${CONFIGURE_LIMITS.qrContentMaxLength} characters`);
    }
    return undefined;
  },
  unlock(p) {
    if (p.connectorId === undefined) return invalid('connectorId', 'required: the connector to unlock');
    return connector(p, 1);
  },
  getConfig(p) {
    if (p.keys === undefined) return undefined;
    const keys = typeof p.keys === 'string' ? p.keys.split(',').map((k) => k.trim()) : [];
    if (keys.length === 0 || keys.length > OCPP_LIMITS.maxKeys || keys.some((k) => text({ k }, 'k', OCPP_LIMITS.keyMaxLength, true))) {
      return invalid('keys', `must be 1 to ${OCPP_LIMITS.maxKeys} comma-separated configuration keys of up to ${OCPP_LIMITS.keyMaxLength} characters (omit it for every key)`);
    }
    return undefined;
  },
  changeConfig: (p) => text(p, 'key', OCPP_LIMITS.keyMaxLength, true) ?? text(p, 'value', OCPP_LIMITS.valueMaxLength, true),
  availability(p) {
    if (p.connectorId === undefined) return invalid('connectorId', 'required: the connector (0 for the whole charger)');
    return connector(p, 0) ?? oneOf(p, 'availability', AVAILABILITY_TYPES, true);
  },
  trigger: (p) => oneOf(p, 'message', TRIGGER_MESSAGES, true) ?? connector(p, 1),
  setProfile(p) {
    const failed = oneOf(p, 'purpose', PROFILE_PURPOSES, true) ?? oneOf(p, 'unit', RATE_UNITS, true);
    if (failed) return failed;
    if (p.limit === undefined) return invalid('limit', 'required: the limit, in whole W or A');
    const limitFailed =
      intIn(p, 'limit', p.unit === 'W' ? OCPP_LIMITS.limitW : OCPP_LIMITS.limitA) ??
      connector(p, 0) ??
      intIn(p, 'profileId', OCPP_LIMITS.profileId) ??
      intIn(p, 'stackLevel', OCPP_LIMITS.stackLevel);
    if (limitFailed) return limitFailed;
    if (p.purpose === 'ChargePointMaxProfile' && p.connectorId !== undefined && p.connectorId !== 0) return invalid('connectorId', 'a ChargePointMaxProfile applies to the whole charger: connector 0');
    return undefined;
  },
  clearProfile: (p) =>
    intIn(p, 'profileId', OCPP_LIMITS.profileId) ?? connector(p, 0) ?? oneOf(p, 'purpose', CLEARABLE_PROFILE_PURPOSES, false) ?? intIn(p, 'stackLevel', OCPP_LIMITS.stackLevel),
};

/**
 * The params a command of `type` may carry, checked the same way by the API (before sending) and by a pile (the
 * simulator, on receiving): `configure` takes any of maxPowerW, heartbeatIntervalS, qrContent,
 * displayPriceFenPerKwh (at least one); `unlock` takes a connectorId; `start`, `stop` and `reset` take none.
 * The OCPP-only commands: `getConfig` {keys?: "A,B"}, `changeConfig` {key, value}, `availability`
 * {connectorId (0 = charger), availability: Operative|Inoperative}, `trigger` {message, connectorId?}, `setProfile`
 * {purpose: TxDefaultProfile|ChargePointMaxProfile, limit, unit: W|A, connectorId?, profileId?, stackLevel?},
 * `clearProfile` {profileId?, connectorId?, purpose?, stackLevel?} (none: every profile).
 * Unknown keys are refused, so a typo never becomes a silent no-op.
 */
export function validateCommandParams(type: PileCommandType, params: Record<string, unknown> | undefined): ParamsVerdict {
  const given = params ?? {};
  const allowed = ALLOWED_PARAMS[type];
  const unknown = Object.keys(given).find((key) => !allowed.includes(key));
  if (unknown !== undefined) return invalid(unknown, allowed.length ? `not a parameter of ${type} (allowed: ${allowed.join(', ')})` : `${type} takes no parameters`);
  return CHECKS[type](given) ?? { ok: true, params: given as PileCommandParams };
}

/**
 * Whether a pile speaking `protocol` can carry out the command: the OCPP-only commands mean nothing to an MQTT pile,
 * and over OCPP `configure` sets only heartbeatIntervalS (any other OCPP key is a `changeConfig`).
 */
export function commandSupportedBy(protocol: string, type: PileCommandType, params: PileCommandParams): { ok: true } | { ok: false; message: string } {
  const ocpp = protocol === 'ocpp1.6';
  if (!ocpp && OCPP_ONLY_COMMAND_TYPES.includes(type)) return { ok: false, message: `${type} is an OCPP 1.6 command; this pile speaks ${protocol}` };
  if (ocpp && type === 'configure' && Object.keys(params).some((key) => key !== 'heartbeatIntervalS')) {
    return { ok: false, message: 'an OCPP charger is configured with changeConfig {key, value}; configure sets only heartbeatIntervalS on it' };
  }
  return { ok: true };
}

/** A station's power cap: whole watts, from one small charger to a large hub. */
export const STATION_CAP_LIMITS = { minW: 1_000, maxW: 10_000_000 } as const;

/**
 * A station's power cap shared between its OCPP chargers: each gets an equal ChargePointMaxProfile, rounded down so
 * the chargers together never exceed the cap, and no more than one charger's profile may say.
 */
export function chargerShareOfCap(capW: number, chargers: number): number {
  if (!isInt(capW) || capW < STATION_CAP_LIMITS.minW || capW > STATION_CAP_LIMITS.maxW) throw new RangeError(`cap must be whole watts from ${STATION_CAP_LIMITS.minW} to ${STATION_CAP_LIMITS.maxW}`);
  if (!isInt(chargers) || chargers < 1) throw new RangeError('a cap is shared between at least one charger');
  return Math.min(Math.floor(capW / chargers), OCPP_LIMITS.limitW.max);
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
const START_REFUSALS: readonly string[] = ['START_REFUSED', 'INSUFFICIENT_BALANCE', 'PAYMENT_DECLINED', 'PILE_BUSY'];

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
