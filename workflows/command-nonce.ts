import { sha256 } from '@noble/hashes/sha2';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils';
import { patched, uuid4, workflowInfo } from '@temporalio/workflow';

/** Runs begun before this patch drew their command nonces with `uuid4()` and keep doing so on replay. */
const NONCE_FROM_RUN_ID = 'command-nonce-from-run-id';

/**
 * The nonce a workflow signs command `commandId` with. Unpredictable to anyone outside Temporal (the run id is
 * the server's random UUID, never shown to piles or drivers) and not drawn from the workflow's PRNG: whatever
 * else draws from that stream (the OpenTelemetry workflow interceptors make span ids with `Math.random`, which
 * is the PRNG inside a workflow) cannot change the nonce on replay, so workflow tracing can be switched on or off.
 */
export function commandNonce(runId: string, commandId: string): string {
  return bytesToHex(sha256(utf8ToBytes(`${runId}\n${commandId}`))).slice(0, 32);
}

/** The nonce for command `commandId` of the running workflow (see commandNonce). */
export function drawCommandNonce(commandId: string): string {
  return patched(NONCE_FROM_RUN_ID) ? commandNonce(workflowInfo().runId, commandId) : uuid4();
}
