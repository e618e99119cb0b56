import { Gauge, Registry } from 'prom-client';
import { Alarm, ChargingSession } from '../db/models';

/**
 * Gauges of what needs people, read from the database when Prometheus scrapes the API: sessions waiting for
 * support, sessions flagged for review, piles with an open offline alarm.
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
}
