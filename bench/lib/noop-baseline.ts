import path from 'node:path';
import { type Client } from '@temporalio/client';
import { connectClient } from '../../infra/temporal';
import { startChild } from './child';
import { mapPaced, type Pace } from './concurrency';
import { distribution, type Distribution } from './stats';

const TASK_QUEUE = 'bench-noop';

/** Baseline of session starts: `count` no-op workflows run start to finish at `pace`, on the same server. */
export async function measureNoopWorkflows(temporalAddress: string, count: number, pace: Pace): Promise<{ perSecond: number; latency: Distribution }> {
  const worker = startChild(process.execPath, [path.resolve(__dirname, '..', 'noop-worker.js')], {
    env: { ...process.env, TEMPORAL_ADDRESS: temporalAddress, TEMPORAL_TASK_QUEUE: TASK_QUEUE },
  });
  let client: Client | undefined;
  try {
    await worker.waitForLine((line) => line.includes('noop worker running'), 90_000);
    client = await connectClient({ address: temporalAddress, namespace: 'default' });
    const latencies: number[] = [];
    const started = Date.now();
    await mapPaced(Array.from({ length: count }, (_, i) => i), pace, async (i) => {
      const requestedAt = Date.now();
      await client!.workflow.execute('noop', { taskQueue: TASK_QUEUE, workflowId: `bench-noop-${i}-${started}` });
      latencies.push(Date.now() - requestedAt);
    });
    return { perSecond: Math.floor((count * 100_000) / (Date.now() - started)) / 100, latency: distribution(latencies) };
  } finally {
    await client?.connection.close();
    await worker.stop();
  }
}
