import { NativeConnection, Worker } from '@temporalio/worker';
import { installTemporalRuntime } from '../infra/temporal';
import { WORKER_DEFAULT_SANDBOX, setWorkflowSandbox } from '../worker/workflow-code';

/** A worker of the no-op workflow only, a process of its own like the platform's worker, with its SDK settings. */
async function main() {
  installTemporalRuntime('warn');
  setWorkflowSandbox(WORKER_DEFAULT_SANDBOX);
  const connection = await NativeConnection.connect({ address: process.env.TEMPORAL_ADDRESS! });
  const worker = await Worker.create({ connection, namespace: 'default', taskQueue: process.env.TEMPORAL_TASK_QUEUE!, workflowsPath: require.resolve('./noop-workflow') });
  process.once('SIGTERM', () => worker.shutdown());
  const running = worker.run();
  console.log('noop worker running');
  await running;
  await connection.close();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
