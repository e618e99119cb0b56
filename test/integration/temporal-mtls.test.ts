import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { NativeConnection } from '@temporalio/worker';
import { ConfigError, fragments, loadConfig } from '../../infra/config';
import { connectClient, temporalTls } from '../../infra/temporal';
import { RoleProcess, freePort, runToCompletion, workerProcessEnv } from '../support/process-harness';
import { createTestDatabase, uniqueId } from '../support/services';
import { genCerts, type RunningNginx, runNginx, writeMainConf } from '../support/shipped-nginx';
import { createLocalEnv } from '../support/temporal';

/**
 * The platform's side of mTLS to Temporal's frontend (TEMPORAL_TLS_*), with the certificates of
 * ops/scripts/gen-certs.sh. The Temporal dev server has no TLS settings, so nginx stands in for the frontend's TLS:
 * it presents temporal/temporal.crt, demands a client certificate signed by the CA and passes gRPC on to a real
 * dev server. The client (grpc-js) and the worker's connection (the SDK's Rust core) are checked apart.
 */
describe('Temporal connections over mTLS (TEMPORAL_TLS_*)', () => {
  let temporal: TestWorkflowEnvironment;
  let frontend: RunningNginx;
  let address: string;
  let certs: string;

  beforeAll(async () => {
    temporal = await createLocalEnv();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'evcp-temporal-tls-'));
    genCerts(dir);
    certs = path.join(dir, 'certs');
    const port = await freePort();
    address = `127.0.0.1:${port}`;
    writeMainConf(
      dir,
      `server {
    listen ${address} ssl;
    http2 on;
    ssl_certificate certs/temporal/temporal.crt;
    ssl_certificate_key certs/temporal/temporal.key;
    ssl_client_certificate certs/trust/ca.crt;
    ssl_verify_client on;
    location / { grpc_pass grpc://${temporal.address}; }
  }`,
    );
    frontend = await runNginx(dir, port);
  }, 60_000);

  afterAll(async () => {
    await frontend?.stop();
    await temporal?.teardown();
  });

  /** The TLS settings as a process parses them from its environment. */
  const tlsOf = (env: Record<string, string>) => temporalTls(loadConfig(fragments.temporalTls, env));
  const platformTls = () =>
    tlsOf({
      TEMPORAL_TLS_CA: path.join(certs, 'trust/ca.crt'),
      TEMPORAL_TLS_CERT: path.join(certs, 'temporal-client/client.crt'),
      TEMPORAL_TLS_KEY: path.join(certs, 'temporal-client/client.key'),
      TEMPORAL_TLS_SERVER_NAME: 'temporal',
    });

  it('lets a client with the platform certificate reach the frontend', async () => {
    const client = await connectClient({ address, namespace: 'default', tls: platformTls() });
    try {
      const { namespaceInfo } = await client.workflowService.describeNamespace({ namespace: 'default' });
      expect(namespaceInfo?.name).toBe('default');
    } finally {
      await client.connection.close();
    }
  });

  it('lets a worker connection with the platform certificate reach the frontend', async () => {
    const connection = await NativeConnection.connect({ address, tls: platformTls() });
    try {
      const { namespaceInfo } = await connection.workflowService.describeNamespace({ namespace: 'default' });
      expect(namespaceInfo?.name).toBe('default');
    } finally {
      await connection.close();
    }
  });

  it('carries a worker process\'s client and polling connection when TEMPORAL_TLS_* are set', async () => {
    const database = await createTestDatabase();
    const taskQueue = uniqueId('mtls');
    const env = await workerProcessEnv(
      { temporalAddress: address, mysqlUrl: database.url, taskQueue },
      {
        TEMPORAL_TLS_CA: path.join(certs, 'trust/ca.crt'),
        TEMPORAL_TLS_CERT: path.join(certs, 'temporal-client/client.crt'),
        TEMPORAL_TLS_KEY: path.join(certs, 'temporal-client/client.key'),
        TEMPORAL_TLS_SERVER_NAME: 'temporal',
      },
    );
    const worker = new RoleProcess('worker', 'worker/main.js', env, /worker running/);
    const client = await connectClient({ address, namespace: 'default', tls: platformTls() });
    try {
      runToCompletion('db/migrate.js', env);
      await worker.start();
      // Only a worker polling through the frontend can run it: nothing else serves this task queue.
      const report = await client.workflow.execute('sweepOrphanedSessions', { taskQueue, workflowId: uniqueId('sweep'), args: [], workflowExecutionTimeout: '60s' });
      expect(report).toMatchObject({ swept: [] });
    } finally {
      await worker.stop();
      await client.connection.close();
      await database.drop();
    }
  }, 120_000);

  it('is refused without a client certificate', async () => {
    const caOnly = tlsOf({ TEMPORAL_TLS_CA: path.join(certs, 'trust/ca.crt'), TEMPORAL_TLS_SERVER_NAME: 'temporal' });
    // nginx answers a handshake without a client certificate with 400 ("No required SSL certificate was sent").
    await expect(connectClient({ address, namespace: 'default', tls: caOnly })).rejects.toMatchObject({ cause: { message: expect.stringMatching(/HTTP status code 400/) } });
  });

  it('does not trust a frontend whose certificate the configured CA did not sign', async () => {
    const otherCa = fs.mkdtempSync(path.join(os.tmpdir(), 'evcp-other-ca-'));
    try {
      genCerts(otherCa);
      const tls = tlsOf({
        TEMPORAL_TLS_CA: path.join(otherCa, 'certs/trust/ca.crt'),
        TEMPORAL_TLS_CERT: path.join(certs, 'temporal-client/client.crt'),
        TEMPORAL_TLS_KEY: path.join(certs, 'temporal-client/client.key'),
        TEMPORAL_TLS_SERVER_NAME: 'temporal',
      });
      // The worker's connection (Rust core) names the reason; grpc-js only runs into its connect deadline.
      await expect(NativeConnection.connect({ address, tls })).rejects.toThrow(/InvalidCertificate/);
    } finally {
      fs.rmSync(otherCa, { recursive: true, force: true });
    }
  });

  it('refuses a client certificate without its key as a configuration error', () => {
    expect(() => tlsOf({ TEMPORAL_TLS_CERT: path.join(certs, 'temporal-client/client.crt') })).toThrow(ConfigError);
  });

  it('stays plaintext when no TEMPORAL_TLS_* is set', () => {
    expect(tlsOf({})).toBeUndefined();
  });
});
