import { Gauge, type Registry } from 'prom-client';
import type { AlarmLog } from '../db/alarm-log';
import type { FleetCatalogue } from '../db/fleet-catalogue';
import type { SessionRecords } from '../db/session-records';

/**
 * Gauges of what needs people, read from the database when Prometheus scrapes the API: sessions waiting for
 * support, sessions flagged for review, piles with an open offline or fault alarm, the fleet's size, and
 * sessions by status (their sum only grows, so its increase is the number of sessions started).
 */
export function registerBusinessMetrics(registry: Registry, records: { sessions: SessionRecords; alarms: AlarmLog; fleet: FleetCatalogue }): void {
  new Gauge({
    name: 'evcp_sessions_settlement_failed',
    help: 'Sessions in SETTLEMENT_FAILED, waiting for a support retry',
    registers: [registry],
    async collect() {
      this.set(await records.sessions.count({ status: 'SETTLEMENT_FAILED' }));
    },
  });
  new Gauge({
    name: 'evcp_sessions_needing_review',
    help: 'Sessions flagged for operator review',
    registers: [registry],
    async collect() {
      this.set(await records.sessions.count({ needsReview: true }));
    },
  });
  new Gauge({
    name: 'evcp_piles_offline',
    help: 'Piles with an open offline alarm (last will or heartbeat timeout)',
    registers: [registry],
    async collect() {
      this.set(await records.alarms.countOpen('offline'));
    },
  });
  new Gauge({
    name: 'evcp_piles_faulted',
    help: 'Piles with an open fault alarm',
    registers: [registry],
    async collect() {
      this.set(await records.alarms.countOpen('fault'));
    },
  });
  new Gauge({
    name: 'evcp_piles',
    help: 'Piles registered in the fleet',
    registers: [registry],
    async collect() {
      this.set(await records.fleet.countPiles());
    },
  });
  new Gauge({
    name: 'evcp_sessions',
    help: 'Charging sessions by status',
    labelNames: ['status'] as const,
    registers: [registry],
    async collect() {
      const rows = await records.sessions.countByStatus();
      this.reset();
      for (const row of rows) this.set({ status: row.status }, row.count);
    },
  });
}
