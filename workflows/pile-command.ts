import { ActivityFailure, condition, log, proxyActivities, setCurrentDetails, setHandler, sleep, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { PileCommandActivities } from '../activities/pile-command-activities';
import { type OperatorCommandState, commandOutcomeOfSession, resendSchedule } from '../domain/pile-command';
import { type PileCommandAck, type PileCommandInput, type PileCommandView, pileCommandAcknowledgedSignal, pileCommandStateQuery } from './pile-command.messages';
import { pileCommandSearchAttributes } from './search-attributes';
import { drawCommandNonce } from './command-nonce';

/** Bookkeeping must happen: retried until it succeeds. */
const io = proxyActivities<PileCommandActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/** One delivery attempt: a few quick tries, then the workflow's own resend schedule takes over. */
const delivery = proxyActivities<PileCommandActivities>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '500 milliseconds', backoffCoefficient: 2, maximumAttempts: 3 },
});

/**
 * One operator command to one pile (workflow id `pile-command-<commandId>`), from request to the pile's answer.
 *
 * - reset, unlock, configure go to the pile: signed with a nonce of this workflow, resent on a backoff (same command
 *   id, fresh signature and expiry) until the pile acknowledges it or its TTL passes. Ends accepted, rejected (with
 *   the pile's reason), expired (sent, never acknowledged) or failed (never could be sent).
 * - start and stop are carried out by a charging session (the API started it for the driver, or stopped the pile's
 *   session as staff): the session workflow owns the pile's start/stop commands and their acks, so this workflow
 *   only follows that session's record until the session decides (see commandOutcomeOfSession).
 *
 * Every state change is written to `pile_commands`, so the API lists commands without asking Temporal.
 */
export async function pileCommand(input: PileCommandInput): Promise<PileCommandView> {
  const view: PileCommandView = { commandId: input.commandId, state: 'sent', attempts: 0, ...(input.sessionId ? { sessionId: input.sessionId } : {}) };
  const nonce = drawCommandNonce(input.commandId);
  let ack: PileCommandAck | undefined;
  setHandler(pileCommandStateQuery, () => view);
  setHandler(pileCommandAcknowledgedSignal, (answer) => {
    if (ack) return; // the pile answers a resend with the same ack: the first one decides
    if (answer.nonce !== nonce) {
      log.warn('ignored an ack that does not echo the nonce this command was signed with', { commandId: input.commandId });
      return;
    }
    ack = answer;
  });

  const startedAt = Date.now();
  await io.recordPileCommand({
    commandId: input.commandId,
    pileId: input.pileId,
    pileCode: input.pileCode,
    type: input.type,
    params: input.params,
    reason: input.reason,
    requestedBy: input.requestedBy,
    sessionId: input.sessionId,
    workflowId: workflowInfo().workflowId,
    at: startedAt,
  });

  const outcome = input.type === 'start' || input.type === 'stop' ? await followSession(input, view) : await deliver(input, view, nonce, () => ack);
  await settle(input, view, outcome.state, outcome.detail);
  return view;
}

type Outcome = { state: Exclude<OperatorCommandState, 'sent'>; detail: string };

async function settle(input: PileCommandInput, view: PileCommandView, state: OperatorCommandState, detail?: string) {
  view.state = state;
  view.detail = detail;
  setCurrentDetails(`${input.type} on pile ${input.pileCode}: ${state}${detail ? ` (${detail})` : ''}`);
  upsertSearchAttributes([{ key: pileCommandSearchAttributes.state, value: state }]);
  await io.recordPileCommandState({ commandId: input.commandId, state, attempts: view.attempts, detail, at: Date.now() });
}

/** Sends the command and resends it on the backoff until the pile answers or the TTL has passed. */
async function deliver(input: PileCommandInput, view: PileCommandView, nonce: string, ack: () => PileCommandAck | undefined): Promise<Outcome> {
  const { ttlMs, resend } = input.policy;
  const firstSentAt = Date.now();
  const deadline = firstSentAt + ttlMs;
  const resendAt = resendSchedule(ttlMs, resend).map((offset) => firstSentAt + offset);
  let delivered = 0;
  let lastError = '';
  for (let attempt = 0; ; attempt++) {
    const remainingMs = deadline - Date.now();
    if (remainingMs <= 0) break;
    try {
      await delivery.deliverOperatorCommand({
        commandId: input.commandId,
        pileId: input.pileId,
        type: input.type,
        nonce,
        params: input.params,
        ttlSeconds: Math.max(1, Math.ceil(remainingMs / 1000)),
      });
      delivered++;
    } catch (err) {
      if (!(err instanceof ActivityFailure)) throw err;
      lastError = err.cause?.message ?? err.message;
    }
    view.attempts = attempt + 1;
    setCurrentDetails(`${input.type} on pile ${input.pileCode}: sent ${delivered} time(s), waiting for the pile's ack`);
    await io.recordPileCommandState({ commandId: input.commandId, state: 'sent', attempts: view.attempts, detail: lastError ? `last send failed: ${lastError}` : undefined, at: Date.now() });
    const waitUntil = Math.min(resendAt[attempt] ?? deadline, deadline);
    if (await condition(() => ack() !== undefined, Math.max(1, waitUntil - Date.now()))) break;
  }
  const answer = ack();
  if (answer) return answer.accepted ? { state: 'accepted', detail: answer.result ?? 'acknowledged by the pile' } : { state: 'rejected', detail: answer.reason ?? 'refused by the pile' };
  if (delivered > 0) return { state: 'expired', detail: `no acknowledgement within ${Math.round(ttlMs / 1000)} s (sent ${delivered} time(s))` };
  return { state: 'failed', detail: `could not be sent: ${lastError || 'no attempt within the TTL'}` };
}

/** Follows the session a start or stop acted on, until the session decides or the TTL has passed. */
async function followSession(input: PileCommandInput, view: PileCommandView): Promise<Outcome> {
  const type = input.type as 'start' | 'stop';
  const { sessionId } = input;
  if (!sessionId) return { state: 'failed', detail: `a ${type} needs the session it acts on` };
  view.attempts = 1;
  const deadline = Date.now() + input.policy.ttlMs;
  setCurrentDetails(`${type} on pile ${input.pileCode}: following session ${sessionId}`);
  for (;;) {
    const progress = await io.sessionProgress(sessionId);
    const outcome = commandOutcomeOfSession(type, progress);
    if (outcome) return outcome;
    if (Date.now() >= deadline) return { state: 'expired', detail: `session ${sessionId} still ${progress?.status ?? 'unknown'} after ${Math.round(input.policy.ttlMs / 1000)} s` };
    await sleep(Math.min(input.policy.sessionPollMs, Math.max(1, deadline - Date.now())));
  }
}
