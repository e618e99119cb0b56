import type { SessionPolicyEnv } from './config';
import type { SessionPolicy } from '../workflows/charging-session.messages';

/** The policy every new session is started with, from the environment (a running session keeps its own). */
export function sessionPolicyFrom(env: SessionPolicyEnv): SessionPolicy {
  return {
    reservationMs: env.RESERVATION_MINUTES * 60_000,
    startAckTimeoutMs: env.START_ACK_TIMEOUT_SECONDS * 1000,
    stopAckTimeoutMs: env.STOP_ACK_TIMEOUT_SECONDS * 1000,
    pileSilenceTimeoutMs: env.PILE_SILENCE_TIMEOUT_SECONDS * 1000,
    maxDurationMs: env.MAX_SESSION_HOURS * 3_600_000,
    idleWaitMaxMs: env.IDLE_WAIT_MAX_MINUTES * 60_000,
    checkpointIntervalMs: env.CHECKPOINT_INTERVAL_SECONDS * 1000,
    preauth: { minHoldFen: env.MIN_PREAUTH_FEN, maxHoldFen: env.MAX_PREAUTH_FEN },
    historyEventLimit: 10_000,
  };
}
