import { Gauge, Registry } from 'prom-client';
import { Alarm, ChargingSession, Pile } from '../db/models';

/**
 * Gauges of what needs people, read from the database when Prometheus scrapes the API: sessions waiting for
 * support, sessions flagged for review, piles with an open offline or fault alarm, the fleet's size, and
 * sessions by status (their sum only grows, so its increase is the number of sessions started).
 */
export function registerBusinessMetrics(registry: Registry): void {
  new Gauge({
    name: 'evcp_sessions_settlement_failed',
    help: 'Sessions in SETTLEMENT_FAILED, waiting for a support retry',
    registers: [registry],
    async collect() {
      this.set(await ChargingSession.count({ where: { status: 'SETTLEMENT_FAILED' } }));
    },
  });
  new Gauge({
    name: 'evcp_sessions_needing_review',
    help: 'Sessions flagged for operator review',
    registers: [registry],
    async collect() {
      this.set(await ChargingSession.count({ where: { needsReview: true } }));
    },
  });
  new Gauge({
    name: 'evcp_piles_offline',
    help: 'Piles with an open offline alarm (last will or heartbeat timeout)',
    registers: [registry],
    async collect() {
      this.set(await Alarm.count({ where: { kind: 'offline', clearedAt: null } }));
    },
  });
  new Gauge({
    name: 'evcp_piles_faulted',
    help: 'Piles with an open fault alarm',
    registers: [registry],
    async collect() {
      this.set(await Alarm.count({ where: { kind: 'fault', clearedAt: null } }));
    },
  });
  new Gauge({
    name: 'evcp_piles',
    help: 'Piles registered in the fleet',
    registers: [registry],
    async collect() {
      this.set(await Pile.count());
    },
  });
  new Gauge({
    name: 'evcp_sessions',
    help: 'Charging sessions by status',
    labelNames: ['status'] as const,
    registers: [registry],
    async collect() {
      const rows = (await ChargingSession.count({ group: ['status'] })) as unknown as { status: string; count: number }[];
      this.reset();
      for (const row of rows) this.set({ status: row.status }, row.count);
    },
  });
}
