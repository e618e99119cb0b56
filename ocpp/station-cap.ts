import { randomUUID } from 'node:crypto';
import type { RelayedCommand } from '../device-protocol/ocpp';
import { ocppAnswerOf, ocppCallOf } from './commands';
import type { ChargerConnection, OcppContext } from './context';

/** How long the boot-time profile may wait for the charger's answer before it counts as unanswered. */
const CAP_TTL_SECONDS = 60;

/**
 * A charger whose boot was accepted gets its share of its station's stored power cap (docs/ocpp.md, "A station's
 * power cap"): the same SetChargingProfile an operator's `setProfile` sends, without a command record (the cap's own
 * record and audit entry are the operator's). Sent after the BootNotification answer, as OCPP requires.
 */
export async function applyStationCap(ctx: OcppContext, charger: ChargerConnection, call: (action: string, params: Record<string, unknown>) => Promise<unknown>): Promise<void> {
  const [pile] = charger.connectors;
  const share = await ctx.caps.shareOf(pile.stationId);
  if (!share) return;
  const command: RelayedCommand = {
    commandId: `station-cap-${randomUUID()}`,
    pileId: pile.pileId,
    type: 'setProfile',
    nonce: randomUUID(),
    params: { purpose: 'ChargePointMaxProfile', limit: share.limitW, unit: 'W' },
    ttlSeconds: CAP_TTL_SECONDS,
    sentAt: ctx.gateway.clock(),
  };
  const ocpp = await ocppCallOf(ctx, charger, command);
  if (!('action' in ocpp)) return;
  const outcome = ocppAnswerOf(ocpp.action, await call(ocpp.action, ocpp.params));
  ctx.gateway.logger.info({ chargerId: charger.chargerId, stationId: pile.stationId, capW: share.capW, limitW: share.limitW, ...outcome }, 'station power cap applied at boot');
}
