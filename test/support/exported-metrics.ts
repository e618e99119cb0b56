import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const SOURCE_DIRS = ['api', 'activities', 'db', 'device-gateway', 'infra', 'system', 'worker', 'workflows', 'payments'];

/**
 * Worker metrics of the Temporal SDK (core), as served by the worker on TEMPORAL_SDK_METRICS_PORT: the names
 * of https://docs.temporal.io/references/sdk-metrics with the `temporal_` prefix the SDK's Prometheus
 * exporter adds.
 */
export const TEMPORAL_SDK_METRICS = [
  'request', 'request_failure', 'request_latency', 'long_request', 'long_request_failure', 'long_request_latency',
  'workflow_completed', 'workflow_failed', 'workflow_canceled', 'workflow_continue_as_new', 'workflow_endtoend_latency',
  'workflow_task_queue_poll_empty', 'workflow_task_queue_poll_succeed', 'workflow_task_execution_failed',
  'workflow_task_schedule_to_start_latency', 'workflow_task_execution_latency', 'workflow_task_replay_latency',
  'activity_poll_no_task', 'activity_task_received', 'activity_execution_failed', 'activity_schedule_to_start_latency',
  'activity_execution_latency', 'activity_succeed_endtoend_latency', 'local_activity_total',
  'local_activity_execution_failed', 'local_activity_execution_cancelled', 'local_activity_execution_latency',
  'worker_start', 'num_pollers', 'worker_task_slots_available', 'worker_task_slots_used',
  'sticky_cache_hit', 'sticky_cache_miss', 'sticky_cache_size', 'sticky_cache_total_forced_eviction',
].map((name) => `temporal_${name}`);

/** Series Prometheus makes itself. */
const PROMETHEUS_SERIES = ['up', 'scrape_duration_seconds', 'scrape_samples_scraped'];

/** Names registered with prom-client in the project's own source (`name: 'evcp_…'` beside `new Counter|Gauge|Histogram`). */
export function projectMetricNames(): string[] {
  const names = new Set<string>();
  const visit = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) visit(full);
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) {
        const text = fs.readFileSync(full, 'utf8');
        if (!text.includes("from 'prom-client'")) continue;
        for (const match of text.matchAll(/new (?:Counter|Gauge|Histogram|Summary)\(\{\s*name:\s*'([a-zA-Z_:][a-zA-Z0-9_:]*)'/g)) names.add(match[1]);
      }
    }
  };
  for (const dir of SOURCE_DIRS) if (fs.existsSync(path.join(ROOT, dir))) visit(path.join(ROOT, dir));
  return [...names];
}

/** prom-client's default metrics (`collectDefaultMetrics`), read from the installed library. */
export function defaultNodeMetricNames(): string[] {
  const dir = path.join(path.dirname(require.resolve('prom-client')), 'lib', 'metrics');
  const names = new Set<string>();
  for (const file of fs.readdirSync(dir).filter((name) => name.endsWith('.js'))) {
    for (const match of fs.readFileSync(path.join(dir, file), 'utf8').matchAll(/'((?:nodejs|process)_[a-z0-9_]+)'/g)) names.add(match[1]);
  }
  return [...names];
}

/** Gauges the backup scripts push to the Pushgateway (ops/backup/lib.sh `report_success`). */
export function backupMetricNames(): string[] {
  const dir = path.join(ROOT, 'ops/backup');
  const names = fs.readdirSync(dir).flatMap((file) => (file.endsWith('.sh') ? [...fs.readFileSync(path.join(dir, file), 'utf8').matchAll(/^(evcp_backup_[a-z_]+) /gm)].map((m) => m[1]) : []));
  return [...new Set(names)];
}

export function exportedMetricNames(): Set<string> {
  return new Set([...projectMetricNames(), ...defaultNodeMetricNames(), ...backupMetricNames(), ...TEMPORAL_SDK_METRICS, ...PROMETHEUS_SERIES]);
}

const PROMQL_WORDS = new Set([
  'sum', 'min', 'max', 'avg', 'count', 'stddev', 'stdvar', 'topk', 'bottomk', 'quantile', 'count_values', 'group',
  'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'and', 'or', 'unless', 'bool', 'offset',
  'rate', 'irate', 'increase', 'delta', 'idelta', 'deriv', 'histogram_quantile', 'absent', 'absent_over_time',
  'avg_over_time', 'max_over_time', 'min_over_time', 'sum_over_time', 'count_over_time', 'last_over_time',
  'clamp_min', 'clamp_max', 'abs', 'ceil', 'floor', 'round', 'time', 'vector', 'scalar', 'label_replace', 'changes', 'resets',
]);

/** The metric names a PromQL expression reads: strings, label matchers, grouping lists, ranges and durations removed. */
export function metricsInQuery(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b\d+(?:ms|[smhdwy])\b/g, ' ');
  const names = stripped.match(/[a-zA-Z_:][a-zA-Z0-9_:]*/g) ?? [];
  return [...new Set(names.filter((name) => !PROMQL_WORDS.has(name) && !/^(?:e|inf|nan)$/i.test(name)))];
}

/** True when `name` is exported as is, or is the `_bucket`/`_sum`/`_count` series of an exported histogram. */
export function isExported(name: string, exported: Set<string>): boolean {
  return exported.has(name) || exported.has(name.replace(/_(?:bucket|sum|count)$/, ''));
}
