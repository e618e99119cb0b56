// A worker process for the workflow sandbox tests (worker/workflow-stack-traces.test.ts, worker/deadlock-timeout.test.ts).
// The SDK's workflow thread reads the environment of the process, which a jest test cannot change (jest gives each
// test file a copy of process.env), so the worker runs here.
// Usage: node sandbox-worker.cjs <temporal address> <task queue> <stack traces on|off> <deadlock timeout on replay on|off> <sessions|spinning>
//   sessions: the prebuilt bundle of the platform's workflows, with a pile that never answers;
//   spinning: test/support/spinning-workflows.ts, no workflow cache (every task replays its history), a 100 ms
//   deadlock timeout instead of the SDK's 5 s (an option the SDK keeps internal), so a test need not spin for 5 s.
const { NativeConnection, Worker, Runtime, DefaultLogger } = require('@temporalio/worker');
const { PREBUILT_WORKFLOW_BUNDLES, setWorkflowSandbox } = require('../../dist/worker/workflow-code');

/** A pile that never answers: a command's workflow waits for its ack. */
const silentPile = {
  recordPileCommand: async () => undefined,
  recordPileCommandState: async () => undefined,
  sessionProgress: async () => undefined,
  deliverOperatorCommand: async () => undefined,
};

const WORKFLOWS = {
  sessions: { workflowBundle: { codePath: PREBUILT_WORKFLOW_BUNDLES.plain }, activities: silentPile },
  spinning: { workflowsPath: require.resolve('./spinning-workflows.ts'), maxCachedWorkflows: 0, isolateExecutionTimeout: '100ms' },
};

async function main() {
  const [address, taskQueue, stackTraces, deadlockTimeoutOnReplay, workflows] = process.argv.slice(2);
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  setWorkflowSandbox({ stackTraces, deadlockTimeoutOnReplay });
  const connection = await NativeConnection.connect({ address });
  const worker = await Worker.create({ connection, taskQueue, ...WORKFLOWS[workflows] });
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
