import fs from 'node:fs';
import path from 'node:path';
import { exportedMetricNames, isExported, metricsInQuery, projectMetricNames } from '../support/exported-metrics';
import { readYaml } from '../support/yaml';

const OPS = path.resolve(__dirname, '../../ops');
const DASHBOARD_DIR = path.join(OPS, 'grafana/dashboards');

interface Panel {
  title: string;
  datasource?: { uid?: string };
  targets?: { expr?: string; datasource?: { uid?: string } }[];
  panels?: Panel[];
}
interface Dashboard {
  uid: string;
  title: string;
  panels: Panel[];
}

const dashboards = fs
  .readdirSync(DASHBOARD_DIR)
  .filter((file) => file.endsWith('.json'))
  .map((file) => ({ file, dashboard: JSON.parse(fs.readFileSync(path.join(DASHBOARD_DIR, file), 'utf8')) as Dashboard }));
const panels = dashboards.flatMap(({ file, dashboard }) =>
  dashboard.panels.flatMap((panel) => [panel, ...(panel.panels ?? [])]).map((panel) => ({ file, panel })),
);
const exported = exportedMetricNames();
const datasourceUid = readYaml<{ datasources: { uid: string }[] }>(path.join(OPS, 'grafana/provisioning/datasources/prometheus.yml')).datasources[0].uid;

describe('PromQL metric-name extraction', () => {
  it.each([
    ['histogram_quantile(0.95, sum by (le, route) (rate(evcp_api_request_seconds_bucket{route!="/ws"}[5m])))', ['evcp_api_request_seconds_bucket']],
    ['max(evcp_piles) - max(evcp_piles_offline)', ['evcp_piles', 'evcp_piles_offline']],
    ['sum(up{job="evcp-api"}) == 0 or absent(up{job="evcp-api"})', ['up']],
    ['sum(delta(max by (status) (evcp_sessions)[1h:1m]))', ['evcp_sessions']],
    ['max(evcp_sessions_needing_review) - max(evcp_sessions_needing_review offset 1h) > 5', ['evcp_sessions_needing_review']],
  ])('reads the metrics of %s', (expr, names) => {
    expect(metricsInQuery(expr)).toEqual(names);
  });

  it('finds the metrics the code registers with prom-client', () => {
    expect(projectMetricNames()).toEqual(expect.arrayContaining(['evcp_api_request_seconds', 'evcp_gateway_messages_total', 'evcp_sessions_needing_review']));
  });
});

describe('Grafana dashboards', () => {
  it('provisions the fleet, sessions, API, workers and engines dashboards with unique uids', () => {
    expect(dashboards.map(({ dashboard }) => dashboard.uid).sort()).toEqual(['evcp-api', 'evcp-engines', 'evcp-fleet', 'evcp-sessions', 'evcp-workers']);
  });

  it.each(panels.map(({ file, panel }) => [`${file}: ${panel.title}`, panel]))('panel %s queries only metrics the platform exports', (_name, panel) => {
    const exprs = ((panel).targets ?? []).map((target) => target.expr ?? '');
    expect(exprs.length).toBeGreaterThan(0);
    const unknown = exprs.flatMap(metricsInQuery).filter((name) => !isExported(name, exported));
    expect(unknown).toEqual([]);
  });

  it('queries the provisioned Prometheus datasource in every panel', () => {
    const uids = panels.flatMap(({ panel }) => [panel.datasource?.uid, ...(panel.targets ?? []).map((t) => t.datasource?.uid)]);
    expect(new Set(uids)).toEqual(new Set([datasourceUid]));
  });
});

describe('Prometheus alert rules', () => {
  const groups = readYaml<{ groups: { rules: { alert?: string; record?: string; expr: string }[] }[] }>(path.join(OPS, 'prometheus/alerts.yml')).groups;
  const rules = groups.flatMap((group) => group.rules);
  const recorded = new Set(rules.flatMap((rule) => (rule.record ? [rule.record] : [])));

  it.each(rules.map((rule) => [rule.alert ?? rule.record, rule.expr]))('rule %s reads only metrics the platform exports', (_name, expr) => {
    const unknown = metricsInQuery(expr).filter((name) => !isExported(name, exported) && !recorded.has(name));
    expect(unknown).toEqual([]);
  });
});
