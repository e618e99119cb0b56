import { INVALID_SPAN_CONTEXT, type Span, SpanKind, SpanStatusCode, context, propagation, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { Resource } from '@opentelemetry/resources';
import { BatchSpanProcessor, NoopSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import { OpenTelemetryWorkflowClientInterceptor } from '@temporalio/interceptors-opentelemetry/lib/client';
import { OpenTelemetryActivityInboundInterceptor, OpenTelemetryActivityOutboundInterceptor, makeWorkflowExporter } from '@temporalio/interceptors-opentelemetry/lib/worker';
import type { WorkerOptions } from '@temporalio/worker';

/**
 * OpenTelemetry traces across the processes: an API request, the workflow it starts or messages, the workflow's
 * activities and the gateway's signals share one trace, carried in Temporal headers by the SDK's interceptors.
 * Off unless OTEL_EXPORTER_OTLP_ENDPOINT is set (or a test hands in its own span processor).
 */
export interface Tracing {
  readonly enabled: boolean;
  /** Receives every finished span, the workflows' too (they leave the sandbox through a sink). */
  readonly spanProcessor: SpanProcessor;
  readonly resource: Resource;
  shutdown(): Promise<void>;
}

const TRACER_NAME = 'evcp';

/** Whether installTracing registered a tracer provider in this process; until then every span would be a no-op. */
let tracerInstalled = false;

/** Sets up tracing for this process: a global tracer provider exporting over OTLP/HTTP, or nothing when off. */
export function installTracing(options: { serviceName: string; otlpEndpoint?: string; spanProcessor?: SpanProcessor }): Tracing {
  const resource = new Resource({ [ATTR_SERVICE_NAME]: options.serviceName });
  const spanProcessor =
    options.spanProcessor ?? (options.otlpEndpoint ? new BatchSpanProcessor(new OTLPTraceExporter({ url: `${options.otlpEndpoint.replace(/\/$/, '')}/v1/traces` })) : undefined);
  if (!spanProcessor) return { enabled: false, spanProcessor: new NoopSpanProcessor(), resource, shutdown: async () => undefined };
  const provider = new NodeTracerProvider({ resource, spanProcessors: [spanProcessor] });
  // Global: the Temporal interceptors and our spans find the tracer, the W3C propagator and the async context here.
  provider.register();
  tracerInstalled = true;
  return { enabled: true, spanProcessor, resource, shutdown: () => provider.shutdown() };
}

/** Tracing that exports nothing (processes and tests that do not trace). */
export const NO_TRACING: Tracing = { enabled: false, spanProcessor: new NoopSpanProcessor(), resource: Resource.empty(), shutdown: async () => undefined };

/** The Temporal client's interceptor: starts, updates, signals and queries carry the caller's trace. */
export const tracingClientInterceptors = () => ({ workflow: [new OpenTelemetryWorkflowClientInterceptor()] });

/**
 * What a worker needs to trace: activity spans under the workflow's (only when tracing is on: otherwise each
 * activity would still open a no-op span), and, when the workflows run the bundle with the OpenTelemetry
 * interceptors (worker/workflow-code.ts), the sink that hands their spans out of the sandbox to this process's span
 * processor. That bundle calls the sink whether or not anything exports, so it is registered with the bundle.
 */
export function workerTracingOptions(
  tracing: Tracing,
  options: { workflowsTraced: boolean },
): Pick<WorkerOptions, 'sinks'> & { activityInterceptors: NonNullable<WorkerOptions['interceptors']>['activity'] } {
  return {
    sinks: options.workflowsTraced ? { exporter: makeWorkflowExporter(tracing.spanProcessor, tracing.resource) } : {},
    activityInterceptors: tracing.enabled ? [(ctx) => ({ inbound: new OpenTelemetryActivityInboundInterceptor(ctx), outbound: new OpenTelemetryActivityOutboundInterceptor(ctx) })] : [],
  };
}

/** What `work` gets when nothing traces: a span that records nothing, as the no-op tracer would have made. */
const UNTRACED_SPAN = trace.wrapSpanContext(INVALID_SPAN_CONTEXT);

/**
 * Runs `work` in a span that continues the trace its caller sent (W3C `traceparent` in `carrier`), or starts one.
 * The span records an exception thrown by `work`; `work` may rename it once it knows more (the matched route).
 * Without tracing, `work` runs directly: even a no-op span costs a context and two promises per pile message.
 */
export function inSpan<T>(
  name: string,
  options: { kind: SpanKind; carrier?: Record<string, unknown>; attributes?: Record<string, string | number> },
  work: (span: Span) => Promise<T>,
): Promise<T> {
  if (!tracerInstalled) return work(UNTRACED_SPAN);
  const parent = options.carrier ? propagation.extract(context.active(), options.carrier) : context.active();
  return trace.getTracer(TRACER_NAME).startActiveSpan(name, { kind: options.kind, attributes: options.attributes }, parent, async (span) => {
    try {
      return await work(span);
    } catch (error) {
      span.recordException(error as Error);
      span.setStatus({ code: SpanStatusCode.ERROR });
      throw error;
    } finally {
      span.end();
    }
  });
}

export { SpanKind };
