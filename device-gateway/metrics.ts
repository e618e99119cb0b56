import { Counter, Histogram, type Registry } from 'prom-client';

export type GatewayMetrics = ReturnType<typeof createGatewayMetrics>;

export function createGatewayMetrics(registry: Registry) {
  return {
    messages: new Counter({
      name: 'evcp_gateway_messages_total',
      help: 'Pile messages by kind and outcome (handled, duplicate, stale, rejected, failed)',
      labelNames: ['kind', 'outcome'] as const,
      registers: [registry],
    }),
    brokerDisconnects: new Counter({
      name: 'evcp_gateway_broker_disconnects_total',
      help: 'Times this gateway lost its MQTT connection without closing it (broker gone, or its client id taken over)',
      registers: [registry],
    }),
    adoptedSessions: new Counter({
      name: 'evcp_gateway_adopted_sessions_total',
      help: 'MQTT sessions of departed gateways this gateway took over and emptied',
      registers: [registry],
    }),
    rejected: new Counter({
      name: 'evcp_gateway_messages_rejected_total',
      help: 'Pile messages rejected, by reason',
      labelNames: ['reason'] as const,
      registers: [registry],
    }),
    implausibleMeters: new Counter({
      name: 'evcp_gateway_implausible_meter_readings_total',
      help: 'Meter readings not billed because they are not physically plausible, by reason',
      labelNames: ['reason'] as const,
      registers: [registry],
    }),
    signals: new Counter({
      name: 'evcp_gateway_signals_total',
      help: 'Signals sent to session workflows, by signal and result',
      labelNames: ['signal', 'result'] as const,
      registers: [registry],
    }),
    handleSeconds: new Histogram({
      name: 'evcp_gateway_handle_seconds',
      help: 'Time to handle one pile message',
      labelNames: ['kind'] as const,
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers: [registry],
    }),
    signalLagSeconds: new Histogram({
      name: 'evcp_workflow_signal_lag_seconds',
      help: 'From handling a pile message to the session workflow accepting its signal, including the wait behind earlier signals to that session',
      labelNames: ['signal'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    pilesMarkedOffline: new Counter({
      name: 'evcp_gateway_piles_marked_offline_total',
      help: 'Piles this gateway marked offline after the heartbeat timeout',
      registers: [registry],
    }),
  };
}
