import { randomUUID } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, Worker, bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { ensureSearchAttributes } from '../infra/temporal';
import { NO_TRACING, workerTracingOptions } from '../infra/tracing';
import { aSessionInput } from '../test/support/builders';
import { ScriptedSessionWorld } from '../test/support/scripted-session-world';
import { createTimeSkippingEnv, silentLogger, workflowBundle } from '../test/support/temporal';
import { WORKFLOW_TRACING_INTERCEPTOR_MODULES } from '../worker/workflow-code';
import { chargingSession } from './charging-session';
import {
  admissionUpdate,
  chargingStartedSignal,
  chargingStoppedSignal,
  meterCheckpointSignal,
  pileAcknowledgedSignal,
  sessionWorkflowId,
  stopChargingUpdate,
} from './charging-session.messages';
import { commandNonce } from './command-nonce';

/**
 * A worker carries the OpenTelemetry workflow interceptors only when tracing is on (worker/workflow-code.ts), and
 * the interceptors draw span ids from the workflow's PRNG. A session must replay the same on either kind of
 * worker, or switching tracing on or off would break every session in flight: its pile's ack would no longer
 * echo the nonce the replayed workflow expects.
 */
Runtime.install({ logger: new DefaultLogger('ERROR') });

let env: TestWorkflowEnvironment;
let tracedBundle: WorkflowBundleWithSourceMap;

beforeAll(async () => {
  env = await createTimeSkippingEnv();
  await ensureSearchAttributes(env.client, 'default');
  tracedBundle = await bundleWorkflowCode({ workflowsPath: require.resolve('.'), workflowInterceptorModules: WORKFLOW_TRACING_INTERCEPTOR_MODULES, logger: silentLogger });
  await workflowBundle();
}, 180_000);

afterAll(async () => {
  await env?.teardown();
});

const MINUTE = 60_000;
const PILE_T0 = Date.parse('2026-03-02T17:00:00+08:00');

type PileBehaviour = 'charges' | 'refuses';

/**
 * A session on a worker with `bundle`, its pile echoing every command's nonce: it charges three minutes and is
 * stopped by the driver, or it refuses the start. A refusal counts only when its nonce matches, so a replay that
 * expected another nonce would take a different path and fail.
 */
async function runSession(bundle: WorkflowBundleWithSourceMap, pile: PileBehaviour): Promise<{ handle: WorkflowHandle<typeof chargingSession>; world: ScriptedSessionWorld }> {
  const input = aSessionInput();
  const world = new ScriptedSessionWorld();
  const taskQueue = `workflow-tracing-${randomUUID()}`;
  let meterWh = 100_000;
  let clock = PILE_T0;
  const handle = env.client.workflow.getHandle<typeof chargingSession>(sessionWorkflowId(input.sessionId));
  world.onCommand = async (command) => {
    const accepted = pile === 'charges' || command.type !== 'start';
    await handle.signal(pileAcknowledgedSignal, { commandId: command.commandId, nonce: command.nonce, accepted });
    if (!accepted) return;
    if (command.type === 'start') await handle.signal(chargingStartedSignal, { at: clock, meterStartWh: meterWh });
    else await handle.signal(chargingStoppedSignal, { at: clock, meterStopWh: meterWh, reason: 'remote' });
  };
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: bundle,
    activities: world.activities(),
    sinks: workerTracingOptions(NO_TRACING, { workflowsTraced: bundle === tracedBundle }).sinks,
  });
  await worker.runUntil(async () => {
    await env.client.workflow.start(chargingSession, { args: [input], taskQueue, workflowId: sessionWorkflowId(input.sessionId) });
    await handle.executeUpdate(admissionUpdate);
    if (pile === 'charges') {
      for (let minute = 0; minute < 3; minute++) {
        await env.sleep(MINUTE);
        clock += MINUTE;
        meterWh += 1_000;
        await handle.signal(meterCheckpointSignal, { at: clock, meterWh, powerW: 60_000 });
      }
      await handle.executeUpdate(stopChargingUpdate, { args: [{}] });
    }
    const result = await handle.result();
    if (pile === 'charges') expect(result).toMatchObject({ status: 'COMPLETED', bill: expect.objectContaining({ energyWh: 3_000 }) });
    else expect(result).toMatchObject({ status: 'START_FAILED', endReason: 'START_REFUSED' });
  });
  return { handle, world };
}

it('signs each command with a nonce derived from the run id and the command id, not drawn from the workflow PRNG', async () => {
  const { handle, world } = await runSession(await workflowBundle(), 'charges');
  const { runId } = await handle.describe();
  expect(world.commands.map((c) => c.type)).toEqual(['start', 'stop']);
  for (const command of world.commands) expect(command.nonce).toBe(commandNonce(runId, command.commandId));
  expect(new Set(world.commands.map((c) => c.nonce)).size).toBe(2);
});

it.each<PileBehaviour>(['charges', 'refuses'])('replays a session whose pile %s, run with the tracing interceptors, on a worker without them', async (pile) => {
  const { handle } = await runSession(tracedBundle, pile);
  await expect(Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, await handle.fetchHistory())).resolves.toBeUndefined();
});

it.each<PileBehaviour>(['charges', 'refuses'])('replays a session whose pile %s, run without the tracing interceptors, on a worker with them', async (pile) => {
  const { handle } = await runSession(await workflowBundle(), pile);
  await expect(
    Worker.runReplayHistory({ workflowBundle: tracedBundle, sinks: workerTracingOptions(NO_TRACING, { workflowsTraced: true }).sinks }, await handle.fetchHistory()),
  ).resolves.toBeUndefined();
});
