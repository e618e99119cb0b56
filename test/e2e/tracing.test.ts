import { InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { installTracing } from '../../infra/tracing';
import { eventually } from '../support/live-client';
import { type TestSystem, startTestSystem } from '../support/system-harness';

const exported = new InMemorySpanExporter();
const tracing = installTracing({ serviceName: 'evcp-test', spanProcessor: new SimpleSpanProcessor(exported) });

describe('traces across the platform', () => {
  let t: TestSystem;

  beforeAll(async () => {
    t = await startTestSystem('real services', {}, { tracing });
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
});
