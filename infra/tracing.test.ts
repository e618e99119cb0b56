import { trace } from '@opentelemetry/api';
import { ConfigError, fragments, loadConfig } from './config';
import { SpanKind, inSpan, installTracing } from './tracing';

describe('tracing configuration', () => {
  it('refuses a collector address that is not an http(s) URL, naming the variable', () => {
    expect(() => loadConfig(fragments.tracing, { OTEL_EXPORTER_OTLP_ENDPOINT: 'jaeger:4318' })).toThrow(ConfigError);
    expect(() => loadConfig(fragments.tracing, { OTEL_EXPORTER_OTLP_ENDPOINT: 'jaeger:4318' })).toThrow(/OTEL_EXPORTER_OTLP_ENDPOINT/);
  });

  it('traces nothing when no collector is configured', () => {
    const env = loadConfig(fragments.tracing, {});
    const tracing = installTracing({ serviceName: 'untraced', otlpEndpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT });
    expect(tracing.enabled).toBe(false);
    expect(trace.getTracer('probe').startSpan('work').isRecording()).toBe(false);
  });

  it('runs work in no span when nothing traces, handing it one that records nothing, with its result or failure unchanged', async () => {
    const seen = await inSpan('pile telemetry', { kind: SpanKind.CONSUMER, attributes: { 'pile.id': 'p-1' } }, async (span) => ({ recording: span.isRecording(), active: trace.getActiveSpan() }));
    expect(seen).toEqual({ recording: false, active: undefined });
    await expect(inSpan('pile event', { kind: SpanKind.CONSUMER }, async () => Promise.reject(new Error('handler failed')))).rejects.toThrow('handler failed');
  });
});
