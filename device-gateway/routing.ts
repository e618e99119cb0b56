import { retryTransient } from '../infra/retry';
import { hotKeys } from '../infra/hot-state/keys';
import { SpanKind, inSpan } from '../infra/tracing';
import { type GatewayContext, type Handler, messageContext } from './context';
import { handleAck } from './handlers/ack';
import { handleEvent } from './handlers/event';
import { handleHeartbeat } from './handlers/heartbeat';
import { handleStatus } from './handlers/status';
import { handleTelemetry } from './handlers/telemetry';
import type { PilePresence } from './presence';
import { type UplinkMessages, parseUplink } from '../device-protocol/messages';
import type { UplinkAddress, UplinkKind } from '../device-protocol/topics';

/** One handler per uplink message kind. */
export const ROUTES: { [K in UplinkKind]: Handler<UplinkMessages[K]> } = {
  status: handleStatus,
  heartbeat: handleHeartbeat,
  telemetry: handleTelemetry,
  event: handleEvent,
  ack: handleAck,
};

/** QoS 1 kinds may be redelivered; a message id seen within this window is a duplicate. */
const DUPLICATE_WINDOW_MS = 3_600_000;

export type Outcome = 'handled' | 'duplicate' | 'rejected' | 'failed';

/** Validates, de-duplicates and dispatches one pile message. Never throws: a bad message is counted, not fatal. */
export async function routeMessage(ctx: GatewayContext, presence: PilePresence, topic: string, payload: Buffer): Promise<Outcome> {
  const address = ctx.topics.parseUplink(topic);
  if (!address) return reject(ctx, 'unknown', 'bad_topic', { topic });
  return routeUplink(ctx, presence, address, payload);
}

/** routeMessage for a topic already parsed. Not async itself: one promise fewer per message (handleValidMessage never rejects). */
export function routeUplink(ctx: GatewayContext, presence: PilePresence, address: UplinkAddress, payload: Buffer): Promise<Outcome> {
  const { pileId, kind } = address;
  const parsed = parseUplink(kind, payload);
  if (!parsed.ok) return Promise.resolve(reject(ctx, kind, 'invalid_payload', { pileId, error: parsed.error }));
  const { sessionId } = parsed.message as { sessionId?: string };
  // Every line logged while handling the message names the pile (and its session); signals carry the span's trace.
  const messageCtx = messageContext(ctx, sessionId ? { pileId, sessionId } : { pileId });
  return inSpan(`pile ${kind}`, { kind: SpanKind.CONSUMER, attributes: { 'pile.id': pileId, ...(sessionId ? { 'session.id': sessionId } : {}) } }, () =>
    handleValidMessage(messageCtx, presence, pileId, kind, parsed.message),
  );
}

/** `ctx` is the message's context: its logger names the pile (and session). */
async function handleValidMessage(ctx: GatewayContext, presence: PilePresence, pileId: string, kind: UplinkKind, message: UplinkMessages[UplinkKind]): Promise<Outcome> {
  const started = process.hrtime.bigint();
  ctx.metrics.observeAge(kind, (ctx.clock() - message.ts) / 1000);
  try {
    const pile = await ctx.piles.lookup(pileId);
    if (!pile) return reject(ctx, kind, 'unknown_pile', {});
    // Marked only once handled: a message taken by a gateway that died before handling it counts as new when the
    // pile's retained status or an adopted session brings it again (session-adoption.ts). Handlers are idempotent.
    const dedupeKey = kind !== 'telemetry' && kind !== 'heartbeat' ? hotKeys.pileMessage(pileId, message.msgId) : undefined;
    if (dedupeKey && (await ctx.hot.get(dedupeKey)) !== undefined) {
      ctx.metrics.countMessage(kind, 'duplicate');
      return 'duplicate';
    }
    await presence.seen(pile);
    const handle = ROUTES[kind] as Handler<UplinkMessages[UplinkKind]>;
    // Handlers are idempotent, so a transient failure (Redis, Temporal) is retried a couple of times in place.
    await retryTransient(() => handle(ctx, pile, message), { delaysMs: [100, 1000] });
    if (dedupeKey) await ctx.hot.set(dedupeKey, '1', DUPLICATE_WINDOW_MS);
    ctx.metrics.countMessage(kind, 'handled');
    return 'handled';
  } catch (error) {
    ctx.metrics.countMessage(kind, 'failed');
    ctx.logger.error({ err: error, kind }, 'failed to handle pile message');
    return 'failed';
  } finally {
    ctx.metrics.observeHandling(kind, Number(process.hrtime.bigint() - started) / 1e9);
  }
}

function reject(ctx: GatewayContext, kind: string, reason: string, detail: Record<string, unknown>): Outcome {
  ctx.metrics.rejected.inc({ reason });
  ctx.metrics.countMessage(kind, 'rejected');
  ctx.logger.warn({ ...detail, reason }, 'rejected pile message');
  return 'rejected';
}
