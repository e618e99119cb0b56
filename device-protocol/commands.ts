import { type KeyObject, createHmac, createSecretKey, randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { z } from 'zod';
import { PILE_COMMAND_TYPES, type PileCommand, type PileCommandType } from '../domain/pile-command';

/**
 * Platform → pile commands travel as a compact JWS (HS256) signed with the pile's own secret, so a pile
 * rejects forged commands (bad signature), stale ones (`exp`) and replays (a `jti` it has seen).
 */
export const COMMAND_TYPES = PILE_COMMAND_TYPES;
export type CommandType = PileCommandType;
export type { PileCommand };

export const commandNonce = z.string().min(16).max(64);

export const commandClaims = z.object({
  jti: z.string().min(1).max(64),
  sub: z.string().min(1),
  iat: z.number().int(),
  exp: z.number().int(),
  cmd: z.enum(COMMAND_TYPES),
  sessionId: z.string().max(64).optional(),
  /** Unpredictable per command; the pile echoes it in its ack, so only an ack of this very command counts. */
  nonce: commandNonce,
  params: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
});
export type CommandClaims = z.infer<typeof commandClaims>;

/** Each pile's secret is derived from the platform's master key, so the platform stores one secret. */
export function derivePileSecret(masterKey: string, pileId: string): string {
  return createHmac('sha256', masterKey).update(`pile:${pileId}`).digest('base64url');
}

export function newCommandId(): string {
  return randomUUID();
}

export function newCommandNonce(): string {
  return randomUUID();
}

/**
 * The pile's secret as a key object. Handed a string, jsonwebtoken first tries to parse it as a PEM private key
 * and falls back on an HMAC key when that throws: about a millisecond of thrown errors per command under load.
 */
function hmacKey(pileSecret: string): KeyObject {
  return createSecretKey(Buffer.from(pileSecret, 'utf8'));
}

export function signCommand(command: PileCommand, pileSecret: string, nowMs: number): string {
  const iat = Math.floor(nowMs / 1000);
  const claims: CommandClaims = {
    jti: command.commandId,
    sub: command.pileId,
    iat,
    exp: iat + command.ttlSeconds,
    cmd: command.type,
    nonce: command.nonce,
    ...(command.sessionId ? { sessionId: command.sessionId } : {}),
    ...(command.params ? { params: command.params } : {}),
  };
  // Not `noTimestamp`: jsonwebtoken would then delete the `iat` the claims carry, and verifyCommand requires it.
  return jwt.sign(claims, hmacKey(pileSecret), { algorithm: 'HS256' });
}

export type CommandVerdict = { ok: true; claims: CommandClaims } | { ok: false; reason: 'bad_signature' | 'expired' | 'wrong_pile' | 'malformed' };

/** What a pile does with a command it receives (the simulator uses it; firmware implements the same). */
export function verifyCommand(token: string, pileId: string, pileSecret: string, nowMs: number): CommandVerdict {
  let decoded: unknown;
  try {
    decoded = jwt.verify(token, hmacKey(pileSecret), { algorithms: ['HS256'], clockTimestamp: Math.floor(nowMs / 1000) });
  } catch (error) {
    if (error instanceof jwt.TokenExpiredError) return { ok: false, reason: 'expired' };
    return { ok: false, reason: error instanceof jwt.JsonWebTokenError && /signature/.test(error.message) ? 'bad_signature' : 'malformed' };
  }
  const claims = commandClaims.safeParse(decoded);
  if (!claims.success) return { ok: false, reason: 'malformed' };
  if (claims.data.sub !== pileId) return { ok: false, reason: 'wrong_pile' };
  return { ok: true, claims: claims.data };
}
