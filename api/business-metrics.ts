import { Gauge, Registry } from 'prom-client';
import type { AlarmLog } from '../db/alarm-log';
import type { SessionRecords } from '../db/session-records';

/**
 * Gauges of what needs people, read from the database when Prometheus scrapes the API: sessions waiting for
 * support, sessions flagged for review, piles with an open offline alarm.
 */
export function registerBusinessMetrics(registry: Registry, records: { sessions: SessionRecords; alarms: AlarmLog }): void {
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
}
