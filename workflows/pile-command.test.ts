import { randomUUID } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { type TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import type { PileCommandActivities } from '../activities/pile-command-activities';
import type { PileCommandRecord, PileCommandStateChange } from '../activities/ports';
import { startPileCommandWorkflow } from '../api/pile-command-service';
import type { PileCommand, SessionProgress } from '../domain/pile-command';
import { ensureSearchAttributes } from '../infra/temporal';
import { aPileCommandInput } from '../test/support/pile-command-inputs';
import { createTimeSkippingEnv, workflowBundle } from '../test/support/temporal';
import { type PileCommandInput, pileCommandAcknowledgedSignal, pileCommandStateQuery, pileCommandWorkflowId } from './pile-command.messages';

Runtime.install({ logger: new DefaultLogger((process.env.TEST_LOG_LEVEL as 'ERROR') ?? 'ERROR') });

let env: TestWorkflowEnvironment;

beforeAll(() => workflowBundle(), 120_000);

// A fresh time-skipping server per test: time is global to a server.
beforeEach(async () => {
  env = await createTimeSkippingEnv();
  await ensureSearchAttributes(env.client, 'default');
}, 120_000);

afterEach(async () => {
  await env?.teardown();
});

/** Plays the pile and the stores: what was sent and recorded, and the sessions' records. */
class CommandWorld {
  readonly sends: { command: PileCommand }[] = [];
  readonly records: PileCommandRecord[] = [];
  readonly changes: PileCommandStateChange[] = [];
  readonly sessions = new Map<string, SessionProgress>();
  /** What the pile does with each send: answer (accepted or not), stay silent, or the send fails. */
  answer: (command: PileCommand) => 'accept' | { refuse: string } | 'ignore' | 'unreachable' = () => 'accept';
  /** Answers with another nonce (a forged or stale ack) before the real one. */
  forgeFirst = false;

  activities(): PileCommandActivities {
    return {
      recordPileCommand: async (record) => void this.records.push(record),
      recordPileCommandState: async (change) => void this.changes.push(change),
      sessionProgress: async (sessionId) => this.sessions.get(sessionId),
      deliverOperatorCommand: async (command) => {
        const answer = this.answer(command);
        if (answer === 'unreachable') throw new Error('broker unreachable');
        this.sends.push({ command });
        if (answer === 'ignore') return;
        const handle = env.client.workflow.getHandle(pileCommandWorkflowId(command.commandId));
        // Answered before the send returns: a time-skipping server would otherwise race ahead to the resend timer.
        if (this.forgeFirst) await handle.signal(pileCommandAcknowledgedSignal, { nonce: randomUUID(), accepted: false, reason: 'forged' });
        await handle.signal(pileCommandAcknowledgedSignal, answer === 'accept' ? { nonce: command.nonce, accepted: true } : { nonce: command.nonce, accepted: false, reason: answer.refuse });
      },
    };
  }

  get states() {
    return this.changes.map((c) => c.state);
  }
}

async function run<T>(world: CommandWorld, scenario: (taskQueue: string) => Promise<T>): Promise<T> {
  const taskQueue = `pile-command-test-${randomUUID()}`;
  const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: await workflowBundle(), activities: world.activities() });
  return worker.runUntil(() => scenario(taskQueue));
}

async function execute(world: CommandWorld, input: PileCommandInput) {
  return run(world, async (taskQueue) => {
    await startPileCommandWorkflow(env.client, taskQueue, input);
    return env.client.workflow.getHandle(pileCommandWorkflowId(input.commandId)).result();
  });
}

describe('pile command workflow', () => {
  it('ends accepted when the pile acknowledges the command it was sent, recording each state', async () => {
    const world = new CommandWorld();
    const input = aPileCommandInput({ type: 'configure', params: { maxPowerW: 60_000 } });

    const result = await execute(world, input);

    expect(result).toMatchObject({ state: 'accepted', attempts: 1 });
    expect(world.records).toEqual([expect.objectContaining({ commandId: input.commandId, workflowId: pileCommandWorkflowId(input.commandId), type: 'configure' })]);
    expect(world.sends).toHaveLength(1);
    expect(world.sends[0].command).toMatchObject({ commandId: input.commandId, pileId: 'pile-1', type: 'configure', params: { maxPowerW: 60_000 }, ttlSeconds: 60 });
    expect(world.states).toEqual(['sent', 'accepted']);
  });

  it("ends rejected with the pile's reason when the pile refuses", async () => {
    const world = new CommandWorld();
    world.answer = () => ({ refuse: 'invalid_params' });

    const result = await execute(world, aPileCommandInput({ type: 'unlock', params: { connectorId: 1 } }));

    expect(result).toMatchObject({ state: 'rejected', detail: 'invalid_params' });
    expect(world.changes.at(-1)).toMatchObject({ state: 'rejected', detail: 'invalid_params' });
  });

  it('expires after its TTL when the pile never answers, having resent the same command on a backoff', async () => {
    const world = new CommandWorld();
    world.answer = () => 'ignore';
    const input = aPileCommandInput();

    const result = await execute(world, input);

    expect(result).toMatchObject({ state: 'expired', attempts: 5 });
    // One command id and one nonce throughout; each send is signed for what is left of the TTL, so the TTLs show
    // the schedule in workflow time: sent at 0, then after 5 s, 10 s more, then every 20 s (the cap) until 60 s.
    expect(new Set(world.sends.map((s) => `${s.command.commandId}/${s.command.nonce}`)).size).toBe(1);
    expect(world.sends.map((s) => s.command.ttlSeconds)).toEqual([60, 55, 45, 25, 5]);
    expect(world.states).toEqual(['sent', 'sent', 'sent', 'sent', 'sent', 'expired']);
  });

  it('ignores an ack that does not echo the nonce it signed', async () => {
    const world = new CommandWorld();
    world.forgeFirst = true;

    const result = await execute(world, aPileCommandInput());

    expect(result).toMatchObject({ state: 'accepted', attempts: 1 });
  });

  it('ends failed when the command could never be sent within its TTL', async () => {
    const world = new CommandWorld();
    world.answer = () => 'unreachable';

    const result = await execute(world, aPileCommandInput({ policy: { ttlMs: 20_000, resend: { initialMs: 5_000, maxMs: 20_000 }, sessionPollMs: 2_000 } }));

    expect(result.state).toBe('failed');
    expect(result.detail).toContain('broker unreachable');
    expect(world.sends).toEqual([]);
  });

  it('runs a command id once: a second start while it runs joins it, and after it ended starts nothing', async () => {
    const world = new CommandWorld();
    world.answer = () => 'ignore';
    const input = aPileCommandInput();

    await run(world, async (taskQueue) => {
      await startPileCommandWorkflow(env.client, taskQueue, input);
      const first = await env.client.workflow.getHandle(pileCommandWorkflowId(input.commandId)).describe();
      await startPileCommandWorkflow(env.client, taskQueue, input);
      const second = await env.client.workflow.getHandle(pileCommandWorkflowId(input.commandId)).describe();
      expect(second.runId).toBe(first.runId);
      await env.client.workflow.getHandle(pileCommandWorkflowId(input.commandId)).result();
      // Closed: a start with the same id is rejected by Temporal, which the helper takes as "already ran".
      await expect(
        env.client.workflow.start('pileCommand', { workflowId: pileCommandWorkflowId(input.commandId), taskQueue, args: [input], workflowIdReusePolicy: 'REJECT_DUPLICATE' }),
      ).rejects.toBeInstanceOf(WorkflowExecutionAlreadyStartedError);
      await startPileCommandWorkflow(env.client, taskQueue, input);
      const third = await env.client.workflow.getHandle(pileCommandWorkflowId(input.commandId)).describe();
      expect(third.runId).toBe(first.runId);
    });
    expect(world.records).toHaveLength(1);
    expect(world.states.filter((s) => s !== 'sent')).toEqual(['expired']);
  });

  it("follows the session a start began: accepted once the session charges", async () => {
    const world = new CommandWorld();
    const sessionId = randomUUID();
    world.sessions.set(sessionId, { status: 'STARTING', started: false });
    const input = aPileCommandInput({ type: 'start', sessionId });

    const result = await run(world, async (taskQueue) => {
      await startPileCommandWorkflow(env.client, taskQueue, input);
      const handle = env.client.workflow.getHandle(pileCommandWorkflowId(input.commandId));
      await env.sleep(10_000);
      expect((await handle.query(pileCommandStateQuery)).state).toBe('sent');
      world.sessions.set(sessionId, { status: 'CHARGING', started: true });
      return handle.result();
    });

    expect(result).toMatchObject({ state: 'accepted', sessionId, detail: 'session CHARGING' });
    expect(world.sends).toEqual([]); // the session workflow commands the pile, not this one
  });

  it('a start whose session ended without charging because the pile refused ends rejected', async () => {
    const world = new CommandWorld();
    const sessionId = randomUUID();
    world.sessions.set(sessionId, { status: 'START_FAILED', endReason: 'START_REFUSED', started: false });

    const result = await execute(world, aPileCommandInput({ type: 'start', sessionId }));

    expect(result).toMatchObject({ state: 'rejected', detail: 'session START_FAILED (START_REFUSED) without charging' });
  });
});
