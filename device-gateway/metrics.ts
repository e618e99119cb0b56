import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

const LATENESS_BUCKETS = [0.005, 0.025, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

export type GatewayMetrics = ReturnType<typeof createGatewayMetrics>;

export function createGatewayMetrics(registry: Registry) {
  const messages = new Counter({
    name: 'evcp_gateway_messages_total',
    help: 'Pile messages by kind and outcome (handled, duplicate, stale, rejected, failed)',
    labelNames: ['kind', 'outcome'] as const,
    registers: [registry],
  });
  // Where a late message spent its time: behind its pile's earlier messages in this gateway, or before it got here.
  // Declared as literals: test/support/exported-metrics.ts finds every exported metric by `new Histogram({ name: ...`.
  const handling = childPerKind(
    new Histogram({
      name: 'evcp_gateway_handle_seconds',
      help: 'Time to handle one pile message',
      labelNames: ['kind'] as const,
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 2.5, 10, 30],
      registers: [registry],
    }),
  );
  const waiting = childPerKind(
    new Histogram({
      name: 'evcp_gateway_wait_seconds',
      help: "From taking a pile message off the broker connection to starting to handle it (behind its pile's earlier messages)",
      labelNames: ['kind'] as const,
      buckets: LATENESS_BUCKETS,
      registers: [registry],
    }),
  );
  const age = childPerKind(
    new Histogram({
      name: 'evcp_gateway_message_age_seconds',
      help: "From the pile's own timestamp to starting to handle its message: the wait in the broker, the socket and this gateway, plus the pile clock's error",
      labelNames: ['kind'] as const,
      buckets: LATENESS_BUCKETS,
      registers: [registry],
    }),
  );
  const shed = childPerKind(
    new Counter({
      name: 'evcp_gateway_shed_messages_total',
      help: 'Pile messages dropped unhandled because the gateway fell behind: telemetry samples and heartbeats whose pile has a newer sample or heartbeat waiting (never statuses, events or acks)',
      labelNames: ['kind'] as const,
      registers: [registry],
    }),
  );
  // Every message counts once and is timed once: each label set's child is made once, not per message (prom-client
  // 15 still hashes the label set inside each inc and observe; docs/performance.md, eleventh round).
  const outcomes = new Map<string, Counter.Internal>();
  return {
    messages,
    /** Counts one message of `kind` with `outcome` (kinds and outcomes are a fixed few, so the map stays small). */
    countMessage(kind: string, outcome: string): void {
      const key = `${kind}/${outcome}`;
      let child = outcomes.get(key);
      if (!child) outcomes.set(key, (child = messages.labels({ kind, outcome })));
      child.inc();
    },
    /** The shed path is the cheapest a message can take, so its counter's children are made once too. */
    countShed(kind: string): void {
      shed(kind).inc();
    },
    observeHandling(kind: string, seconds: number): void {
      handling(kind).observe(seconds);
    },
    observeWait(kind: string, seconds: number): void {
      waiting(kind).observe(seconds);
    },
    observeAge(kind: string, seconds: number): void {
      age(kind).observe(Math.max(0, seconds));
    },
    overloaded: new Gauge({
      name: 'evcp_gateway_overloaded',
      help: '1 while the gateway holds more pile messages than it is sized for (see GATEWAY_OVERLOADED_AT) and sheds stale telemetry, else 0',
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

/** A metric labelled by message kind, whose child for each kind is made once: the per-message path calls no `labels()`. */
function childPerKind<C>(metric: { labels(labels: { kind: string }): C }): (kind: string) => C {
  const children = new Map<string, C>();
  return (kind) => {
    let child = children.get(kind);
    if (!child) children.set(kind, (child = metric.labels({ kind })));
    return child;
  };
}
