import type { OcppHandler } from '../context';
import { deliver, toEveryConnector } from '../context';

/**
 * BootNotification: every charger the front door let in is a pile of the fleet, so it is accepted with the
 * heartbeat interval of this deployment. The boot is a sign of life, like a heartbeat.
 */
export const bootNotification: OcppHandler = async (ctx, charger) => {
  await toEveryConnector(charger, (pile) => deliver(ctx, pile.pileId, 'heartbeat', { ts: ctx.gateway.clock() }));
  return { status: 'Accepted', currentTime: new Date(ctx.gateway.clock()).toISOString(), interval: ctx.heartbeatIntervalS };
};

/** Heartbeat: presence of every connector (offline alarms clear, the heartbeat timeout restarts) and the platform's time. */
export const heartbeat: OcppHandler = async (ctx, charger) => {
  await toEveryConnector(charger, (pile) => deliver(ctx, pile.pileId, 'heartbeat', { ts: ctx.gateway.clock() }));
  return { currentTime: new Date(ctx.gateway.clock()).toISOString() };
};

/** DataTransfer: no vendor extension is understood yet, which OCPP says is `UnknownVendorId`. */
export const dataTransfer: OcppHandler = async () => ({ status: 'UnknownVendorId' });

/** Firmware and diagnostics progress: acknowledged, not acted upon yet. */
export const acknowledgeOnly: OcppHandler = async () => ({});
