import { InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { installTracing } from '../../infra/tracing';
import { eventually } from '../support/live-client';
import { type TestSystem, startTestSystem } from '../support/system-harness';

const exported = new InMemorySpanExporter();
const tracing = installTracing({ serviceName: 'evcp-test', spanProcessor: new SimpleSpanProcessor(exported) });

describe('traces across the platform', () => {
  let t: TestSystem;

  beforeAll(async () => {
    // A slow pile for each test; checkpoints every second, so a session's telemetry turns into checkpoint signals soon.
    t = await startTestSystem('real services', { SIM_PILES: '4', CHECKPOINT_INTERVAL_SECONDS: '1' }, { tracing });
  }, 120_000);

  afterAll(async () => {
    await t?.stop();
  });

  it('follows a session request in one trace from the API request through the workflow start into its activities', async () => {
    const pileCode = t.takePile();
    const token = await t.login('traced-driver');
    await t.call('POST', '/api/v1/wallet/top-ups', { token, body: { amountFen: 5000 } });
    await eventually(() => t.call('GET', `/api/v1/piles/${pileCode}`), (r) => r.body.pile?.status === 'idle');

    const started = await t.call('POST', '/api/v1/sessions', { token, body: { pileCode }, headers: { 'x-request-id': 'traced-request' } });
    expect(started.status).toBe(201);

    const request = exported.getFinishedSpans().find((s) => s.attributes['request.id'] === 'traced-request')!;
    expect(request.name).toBe('POST /api/v1/sessions');
    const inTrace = () => exported.getFinishedSpans().filter((s) => s.spanContext().traceId === request.spanContext().traceId);
    const names = (spans: ReadableSpan[]) => spans.map((s) => s.name);
    // Workflow spans leave the worker's sandbox through a sink, after their workflow task: wait for them.
    const expected = ['UpdateWithStartWorkflow:admission', 'HandleUpdate:admission', 'RunActivity:admitSession'];
    const found = await eventually(async () => names(inTrace()), (spanNames) => expected.every((name) => spanNames.includes(name)));
    expect(found).toEqual(expect.arrayContaining(expected));
  }, 120_000);

  it("continues a pile message's trace from the gateway into the signals it sends the session (its ack, its checkpoints)", async () => {
    const pileCode = t.takePile();
    const token = await t.login('traced-charging-driver');
    await t.call('POST', '/api/v1/wallet/top-ups', { token, body: { amountFen: 5000 } });
    await eventually(() => t.call('GET', `/api/v1/piles/${pileCode}`), (r) => r.body.pile?.status === 'idle');
    const started = await t.call('POST', '/api/v1/sessions', { token, body: { pileCode } });
    expect(started.status).toBe(201);
    const sessionId: string = started.body.sessionId;

    /** Whether a gateway span of this session's `pileKind` messages has, in its trace, the signal sent and the workflow handling it. */
    const signalledFromGateway = async (pileKind: string, signal: string) => {
      const spans = exported.getFinishedSpans();
      return spans
        .filter((s) => s.name === `pile ${pileKind}` && s.attributes['session.id'] === sessionId)
        .some((gatewaySpan) => {
          const inTrace = spans.filter((s) => s.spanContext().traceId === gatewaySpan.spanContext().traceId).map((s) => s.name);
          return inTrace.includes(`SignalWorkflow:${signal}`) && inTrace.includes(`HandleSignal:${signal}`);
        });
    };
    await eventually(() => signalledFromGateway('ack', 'pileAcknowledged'), Boolean);
    await eventually(() => signalledFromGateway('telemetry', 'meterCheckpoint'), Boolean);
    await t.call('POST', `/api/v1/sessions/${sessionId}/stop`, { token });
  }, 120_000);
});
