// A worker process for worker/workflow-stack-traces.test.ts. The SDK's workflow thread reads the environment of the
// process, which a jest test cannot change (jest gives each test file a copy of process.env), so the worker runs here.
// Usage: node stack-trace-worker.cjs <temporal address> <task queue> <on|off>
const { NativeConnection, Worker, Runtime, DefaultLogger } = require('@temporalio/worker');
const { PREBUILT_WORKFLOW_BUNDLES, setWorkflowStackTraces } = require('../../dist/worker/workflow-code');

/** A pile that never answers: a command's workflow waits for its ack. */
const silentPile = {
  recordPileCommand: async () => undefined,
  recordPileCommandState: async () => undefined,
  sessionProgress: async () => undefined,
  deliverOperatorCommand: async () => undefined,
};

async function main() {
  const [address, taskQueue, setting] = process.argv.slice(2);
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  setWorkflowStackTraces(setting);
  const connection = await NativeConnection.connect({ address });
  const worker = await Worker.create({ connection, taskQueue, workflowBundle: { codePath: PREBUILT_WORKFLOW_BUNDLES.plain }, activities: silentPile });
  process.once('SIGTERM', () => worker.shutdown());
  const running = worker.run();
  console.log('worker running');
  await running;
  await connection.close();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
