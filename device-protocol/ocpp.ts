import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { PILE_COMMAND_TYPES, type PileCommand } from '../domain/pile-command';
import { commandNonce } from './commands';
import { PILE_ID_PATTERN } from './topics';

/**
 * What the OCPP 1.6J front door and a charger agree on (docs/ocpp.md): where a charger connects, the Basic-auth
 * password it connects with, and the id tag that names a session on the charger.
 */
export const OCPP_SUBPROTOCOL = 'ocpp1.6';
/** A charger connects to `{OCPP base URL}/ocpp/1.6/{chargePointId}`; its chargePointId is the pile id. */
export const OCPP_ENDPOINT_PATH = '/ocpp/1.6';

/**
 * Security profiles 1 and 2 (HTTP Basic, username = chargePointId): the password is an HMAC of the master key under a
 * label of its own (`ocpp:`), so it equals no MQTT password or command secret, and nothing per charger is stored.
 * 32 characters of base64url: within the 16–40 characters OCPP's AuthorizationKey allows.
 */
export function deriveOcppPassword(masterKey: string, chargePointId: string): string {
  return createHmac('sha256', masterKey).update(`ocpp:${chargePointId}`).digest('base64url').slice(0, 32);
}

/** Whether `password` is the charger's own (constant time). */
export function ocppPasswordMatches(masterKey: string, chargePointId: string, password: Buffer | undefined): boolean {
  if (!password || !PILE_ID_PATTERN.test(chargePointId)) return false;
  const expected = Buffer.from(deriveOcppPassword(masterKey, chargePointId));
  return password.length === expected.length && timingSafeEqual(password, expected);
}

/**
 * The id tag (CiString20) the platform starts a session's transaction with: derived from the session id, so any node
 * recognises it without a lookup. A StartTransaction counts for a session only with its tag, from its pile.
 */
export function ocppIdTag(sessionId: string): string {
  return `S${createHash('sha256').update(sessionId).digest('hex').slice(0, 19).toUpperCase()}`;
}

/** A platform command on its way to the central-system node holding the charger's socket (hot-store pub/sub). */
export const relayedCommand = z.object({
  commandId: z.string().min(1).max(64),
  pileId: z.string().regex(PILE_ID_PATTERN),
  type: z.enum(PILE_COMMAND_TYPES),
  sessionId: z.string().min(1).max(64).optional(),
  nonce: commandNonce,
  params: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
  ttlSeconds: z.number().int().positive(),
  /** When the platform sent it (epoch ms): a node that receives it after its TTL drops it. */
  sentAt: z.number().int().positive(),
});
export type RelayedCommand = z.infer<typeof relayedCommand>;

export function relayCommand(command: PileCommand, sentAt: number): string {
  return JSON.stringify({ ...command, sentAt } satisfies RelayedCommand);
}

export function parseRelayedCommand(message: string): RelayedCommand | undefined {
  try {
    const parsed = relayedCommand.safeParse(JSON.parse(message));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
