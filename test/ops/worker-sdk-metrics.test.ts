import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Client } from '@temporalio/client';
import { connectClient } from '../../infra/temporal';
import { eventually } from '../support/live-client';
import { metricsInQuery } from '../support/exported-metrics';
import { RoleProcess, freePort, runToCompletion, workerProcessEnv } from '../support/process-harness';
import { createTestDatabase, uniqueId } from '../support/services';
import { createLocalEnv } from '../support/temporal';
import { readYaml } from '../support/yaml';
import { aSessionInput } from '../support/builders';

/**
 * The worker's alert rules read the Temporal SDK's metrics as the worker really serves them on
 * TEMPORAL_SDK_METRICS_PORT (names, suffixes), not as a list says they are called. A real worker process is
 * made to do what each rule watches: run workflows, fail activities (sessions whose id no database column accepts),
 * fail workflow tasks (a workflow type it does not have), and evict cached workflows (a cache of one).
 */
describe('the worker\'s Temporal SDK metrics', () => {
  const alertRules = readYaml<{ groups: { rules: { alert?: string; expr: string }[] }[] }>(path.resolve(__dirname, '../../ops/prometheus/alerts.yml'))
    .groups.flatMap((group) => group.rules);
  const sdkMetricsOfAlerts = [...new Set(alertRules.flatMap((rule) => metricsInQuery(rule.expr)).filter((name) => name.startsWith('temporal_')))];
  let temporal: TestWorkflowEnvironment;
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let worker: RoleProcess;
  let client: Client;
  let sdkMetricsUrl: string;

  beforeAll(async () => {
    [temporal, database] = await Promise.all([createLocalEnv(), createTestDatabase()]);
    const sdkPort = await freePort();
    sdkMetricsUrl = `http://127.0.0.1:${sdkPort}/metrics`;
    const taskQueue = uniqueId('sdk-metrics');
    const env = await workerProcessEnv(
      { temporalAddress: temporal.address, mysqlUrl: database.url, taskQueue },
      { TEMPORAL_SDK_METRICS_PORT: String(sdkPort), WORKER_MAX_CACHED_WORKFLOWS: '1' },
    );
    runToCompletion('db/migrate.js', env);
    worker = new RoleProcess('worker', 'worker/main.js', env, /worker running/);
    await worker.start();
    client = await connectClient({ address: temporal.address, namespace: 'default' });
    // A session id longer than the database's columns: the workflow runs, and its admission activity fails on every attempt.
    for (const kind of ['unusable-a', 'unusable-b']) {
      await client.workflow.start('chargingSession', { taskQueue, workflowId: uniqueId(kind), args: [aSessionInput({ sessionId: `${kind}-${'x'.repeat(40)}` })] });
    }
    await client.workflow.start('workflowThisWorkerDoesNotHave', { taskQueue, workflowId: uniqueId('unknown'), args: [] });
    await client.workflow.execute('sweepOrphanedSessions', { taskQueue, workflowId: uniqueId('sweep'), args: [] });
  }, 120_000);

  afterAll(async () => {
    await worker?.stop();
    await client?.connection.close();
    await temporal?.teardown();
    await database?.drop();
  });

  it('include every temporal_* metric an alert rule reads', async () => {
    expect(sdkMetricsOfAlerts.length).toBeGreaterThan(0);
    const served = async () => new Set((await (await fetch(sdkMetricsUrl)).text()).split('\n').filter((line) => line && !line.startsWith('#')).map((line) => line.split(/[{ ]/)[0]));
    const scraped = await eventually(served, (names) => sdkMetricsOfAlerts.every((name) => names.has(name)), 60_000).catch(() => served());
    expect(sdkMetricsOfAlerts.filter((name) => !scraped.has(name))).toEqual([]);
  }, 90_000);
});
