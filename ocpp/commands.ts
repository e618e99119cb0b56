import { ocppIdTag, type RelayedCommand } from '../device-protocol/ocpp';
import { type ChargerConnection, type OcppContext, chargerPile, deliver } from './context';

/** What the central system asks of a charger: an OCPP action and its payload. */
export interface OcppCall {
  action: string;
  params: Record<string, unknown>;
}

/** Whether an OCPP answer says yes (RemoteStart/Stop, Reset, ChangeConfiguration, UnlockConnector answers differ). */
const ACCEPTED = ['Accepted', 'Unlocked'];
/** Yes, with a condition the operator should see: ChangeAvailability `Scheduled`, ChangeConfiguration `RebootRequired`. */
const ACCEPTED_WITH_NOTE = ['Scheduled', 'RebootRequired'];

/** Profile ids the platform sets when the operator names none: one per purpose, so a new one replaces the last. */
export const DEFAULT_PROFILE_IDS = { ChargePointMaxProfile: 1, TxDefaultProfile: 2 } as const;

/** An OCPP answer as the command's ack: accepted or not, why not, and what the charger said that the record keeps. */
export interface OcppAnswer {
  accepted: boolean;
  reason?: string;
  result?: string;
}

interface ConfigurationKey {
  key: string;
  readonly?: boolean;
  value?: string;
}

/**
 * What the charger answered, as the command's outcome. GetConfiguration always succeeds: its keys (`key=value`, `(ro)`
 * for read-only) and the keys it does not know become the result, which the command's record keeps (bounded).
 */
export function ocppAnswerOf(action: string, answer: unknown): OcppAnswer {
  const body = (answer ?? {}) as { status?: string; configurationKey?: ConfigurationKey[]; unknownKey?: string[] };
  if (action === 'GetConfiguration') {
    const known = (body.configurationKey ?? []).map((k) => `${k.key}=${k.value ?? ''}${k.readonly ? ' (ro)' : ''}`);
    const unknown = body.unknownKey?.length ? [`unknown: ${body.unknownKey.join(', ')}`] : [];
    return { accepted: true, result: [...known, ...unknown].join('; ').slice(0, 1000) || 'no configuration keys' };
  }
  const status = body.status ?? 'no status';
  if (ACCEPTED.includes(status)) return { accepted: true };
  if (ACCEPTED_WITH_NOTE.includes(status)) return { accepted: true, result: `${action}: ${status}` };
  return { accepted: false, reason: `${action}: ${status}` };
}

/** The OCPP payload of an operator's OCPP-only command (its params validated by validateCommandParams). */
function ocppOperation(type: RelayedCommand['type'], p: Record<string, string | number | boolean>, sentAt: number): OcppCall | undefined {
  switch (type) {
    case 'getConfig':
      return { action: 'GetConfiguration', params: typeof p.keys === 'string' ? { key: p.keys.split(',').map((k) => k.trim()) } : {} };
    case 'changeConfig':
      return { action: 'ChangeConfiguration', params: { key: String(p.key), value: String(p.value) } };
    case 'availability':
      return { action: 'ChangeAvailability', params: { connectorId: Number(p.connectorId), type: String(p.availability) } };
    case 'trigger':
      return { action: 'TriggerMessage', params: { requestedMessage: String(p.message), ...(p.connectorId === undefined ? {} : { connectorId: Number(p.connectorId) }) } };
    case 'setProfile': {
      const purpose = String(p.purpose) as keyof typeof DEFAULT_PROFILE_IDS;
      return {
        action: 'SetChargingProfile',
        params: {
          connectorId: Number(p.connectorId ?? 0),
          csChargingProfiles: {
            chargingProfileId: Number(p.profileId ?? DEFAULT_PROFILE_IDS[purpose]),
            stackLevel: Number(p.stackLevel ?? 0),
            chargingProfilePurpose: purpose,
            chargingProfileKind: 'Absolute',
            chargingSchedule: {
              startSchedule: new Date(sentAt).toISOString(),
              chargingRateUnit: String(p.unit),
              chargingSchedulePeriod: [{ startPeriod: 0, limit: Number(p.limit) }],
            },
          },
        },
      };
    }
    case 'clearProfile':
      return {
        action: 'ClearChargingProfile',
        params: {
          ...(p.profileId === undefined ? {} : { id: Number(p.profileId) }),
          ...(p.connectorId === undefined ? {} : { connectorId: Number(p.connectorId) }),
          ...(p.purpose === undefined ? {} : { chargingProfilePurpose: String(p.purpose) }),
          ...(p.stackLevel === undefined ? {} : { stackLevel: Number(p.stackLevel) }),
        },
      };
    default:
      return undefined;
  }
}

/**
 * A platform command as an OCPP call, or why it cannot be one. Starts name the session's id tag (its transaction is
 * tied to the session by it); stops name the session's transaction, so a stop before the charger started one has
 * nothing to stop yet and waits for the session's resend.
 */
export async function ocppCallOf(
  ctx: OcppContext,
  charger: ChargerConnection,
  command: RelayedCommand,
): Promise<OcppCall | { refused: string } | { notYet: string } | { answered: OcppAnswer }> {
  const pile = chargerPile(charger, command.pileId);
  if (!pile?.ocpp) return { refused: `${command.pileId} is no connector of charger ${charger.chargerId}` };
  const { connectorId } = pile.ocpp;
  switch (command.type) {
    case 'start': {
      if (!command.sessionId) return { refused: 'a start without a session: OCPP chargers are started for a session only' };
      // A session a card started at the charger has its transaction already: it is started, nothing to ask.
      const started = await ctx.transactions.ofSession(command.sessionId);
      if (started && started.pileId === pile.pileId) return { answered: { accepted: true, result: 'started at the charger' } };
      return { action: 'RemoteStartTransaction', params: { connectorId, idTag: ocppIdTag(command.sessionId) } };
    }
    case 'stop': {
      if (!command.sessionId) return { refused: 'a stop without a session' };
      const transaction = await ctx.transactions.ofSession(command.sessionId);
      if (!transaction || transaction.pileId !== pile.pileId) return { notYet: 'the charger has started no transaction for the session yet' };
      return { action: 'RemoteStopTransaction', params: { transactionId: transaction.transactionId } };
    }
    case 'reset':
      return { action: 'Reset', params: { type: command.params?.type === 'hard' ? 'Hard' : 'Soft' } };
    case 'unlock':
      return { action: 'UnlockConnector', params: { connectorId: Number(command.params?.connectorId ?? connectorId) } };
    case 'configure': {
      const keys = Object.keys(command.params ?? {});
      if (keys.length !== 1 || keys[0] !== 'heartbeatIntervalS') return { refused: 'over OCPP only heartbeatIntervalS can be configured yet' };
      return { action: 'ChangeConfiguration', params: { key: 'HeartbeatInterval', value: String(command.params!.heartbeatIntervalS) } };
    }
    default:
      return ocppOperation(command.type, command.params ?? {}, command.sentAt) ?? { refused: `${command.type} has no OCPP meaning` };
  }
}

/**
 * Sends one platform command to a connected charger and relays its answer as the command's ack, through the gateway's
 * ack handler (to the session that signed it, or to the operator's command workflow). A CALLERROR is a refusal; a
 * call that times out gets no ack, and whoever sent the command sends it again.
 */
export async function sendCommand(
  ctx: OcppContext,
  charger: ChargerConnection,
  command: RelayedCommand,
  call: (action: string, params: Record<string, unknown>) => Promise<unknown>,
): Promise<void> {
  const { pileId } = command;
  const logger = ctx.gateway.logger;
  if (command.sentAt + command.ttlSeconds * 1000 < ctx.gateway.clock()) {
    logger.info({ pileId, commandId: command.commandId }, 'command expired before it reached the charger: dropped');
    return;
  }
  const ocpp = await ocppCallOf(ctx, charger, command);
  if ('notYet' in ocpp) {
    logger.info({ pileId, commandId: command.commandId, why: ocpp.notYet }, 'command not sent to the charger yet');
    return;
  }
  let outcome: OcppAnswer;
  if ('refused' in ocpp) {
    outcome = { accepted: false, reason: ocpp.refused };
  } else if ('answered' in ocpp) {
    outcome = ocpp.answered;
  } else {
    try {
      outcome = ocppAnswerOf(ocpp.action, await call(ocpp.action, ocpp.params));
    } catch (error) {
      const rpc = error as { rpcErrorCode?: string; name?: string; message?: string };
      if (!rpc.rpcErrorCode) {
        logger.warn({ err: error, pileId, commandId: command.commandId, action: ocpp.action }, 'charger did not answer the command');
        return;
      }
      outcome = { accepted: false, reason: `${ocpp.action}: CALLERROR ${rpc.rpcErrorCode}` };
    }
  }
  const { accepted, reason, result } = outcome;
  await deliver(ctx, pileId, 'ack', {
    ts: ctx.gateway.clock(),
    commandId: command.commandId,
    nonce: command.nonce,
    accepted,
    ...(reason ? { reason: reason.slice(0, 200) } : {}),
    ...(result ? { result } : {}),
    ...(command.sessionId ? { sessionId: command.sessionId } : {}),
  });
}
