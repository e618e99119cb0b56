import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { silentLogger } from '../test/support/temporal';
import { isAlive, parentPid } from './process-ownership';
import { assertOwnListener, startDevServer } from './temporal-dev-server';

const logger = { ...silentLogger, fatal: () => undefined, child: () => logger } as never;
const freshDataDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'evcp-devserver-'));

describe('the embedded Temporal dev server', () => {
  it('is a child of the launcher, recorded in DATA_DIR, and gone with its pid file after stop', async () => {
    const dataDir = freshDataDir();
    const server = await startDevServer({ dataDir, namespace: 'default', port: 0, uiPort: 0 }, logger);
    try {
      expect(server.pid).toBeDefined();
      expect(parentPid(server.pid!)).toBe(process.pid);
      expect(fs.readFileSync(path.join(dataDir, 'temporal-dev-server.pid'), 'utf8').trim()).toBe(String(server.pid));
    } finally {
      await server.stop();
    }
    expect(isAlive(server.pid!)).toBe(false);
    expect(fs.existsSync(path.join(dataDir, 'temporal-dev-server.pid'))).toBe(false);
  });

  it('refuses a port that answers from a process it did not start', async () => {
    const stranger = net.createServer();
    await new Promise<void>((resolve) => stranger.listen(0, '127.0.0.1', resolve));
    const { port } = stranger.address() as net.AddressInfo;
    try {
      expect(() => assertOwnListener(port, 'TEMPORAL_PORT')).toThrow(new RegExp(`TEMPORAL_PORT ${port} answers, but not from the Temporal dev server this launcher started: it is held by pid ${process.pid}`));
    } finally {
      await new Promise((resolve) => stranger.close(resolve));
    }
  });

  it('is out of reach of a Ctrl-C to the launcher\'s process group, and gone when the launcher exits', async () => {
    const { launcher, serverPid } = await startLauncher(freshDataDir(), { ignoreSigint: true });
    try {
      process.kill(-launcher.pid!, 'SIGINT'); // what a terminal sends its foreground process group on Ctrl-C
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect(isAlive(serverPid)).toBe(true);
    } finally {
      launcher.kill('SIGTERM'); // exits the launcher, whose exit hook kills its server
      await new Promise((resolve) => launcher.once('exit', resolve));
    }
    expect(isAlive(serverPid)).toBe(false);
  });

  it('stops the server a killed launcher left behind before starting its own', async () => {
    const dataDir = freshDataDir();
    const { launcher, serverPid: leftover } = await startLauncher(dataDir);
    launcher.kill('SIGKILL');
    await new Promise((resolve) => launcher.once('exit', resolve));
    expect(isAlive(leftover)).toBe(true); // orphaned, still holding the SQLite file and its ports

    const server = await startDevServer({ dataDir, namespace: 'default', port: 0, uiPort: 0 }, logger);
    try {
      expect(isAlive(leftover)).toBe(false);
      expect(server.pid).not.toBe(leftover);
    } finally {
      await server.stop();
    }
  });
});

/**
 * A launcher in a process of its own and in a process group of its own, as a terminal runs a foreground job, that
 * runs until it is killed. With `ignoreSigint` it survives a SIGINT and exits on SIGTERM.
 */
async function startLauncher(dataDir: string, options: { ignoreSigint?: boolean } = {}): Promise<{ launcher: ChildProcess; serverPid: number }> {
  const outputFile = path.join(dataDir, 'launcher.log');
  const launcher = spawn(
    process.execPath,
    [
      '-e',
      `require(${JSON.stringify(path.resolve(__dirname, '../dist/system/temporal-dev-server.js'))})
        .startDevServer({ dataDir: ${JSON.stringify(dataDir)}, namespace: 'default', port: 0, uiPort: 0 }, { warn() {}, info() {}, error() {} })
        .then((s) => console.log('PID ' + s.pid));
      ${options.ignoreSigint ? "process.on('SIGINT', () => undefined); process.on('SIGTERM', () => process.exit(0));" : ''}
      setInterval(() => undefined, 1000);`,
    ],
    // Output to a file, as a terminal would keep it: an orphan writing to a pipe nobody reads would die of SIGPIPE.
    { stdio: ['ignore', fs.openSync(outputFile, 'w'), fs.openSync(outputFile, 'a')], detached: true },
  );
  const serverPid = await new Promise<number>((resolve, reject) => {
    const poll = setInterval(() => {
      const pid = /PID (\d+)/.exec(fs.readFileSync(outputFile, 'utf8'))?.[1];
      if (pid) {
        clearInterval(poll);
        launcher.removeAllListeners('exit');
        resolve(Number(pid));
      }
    }, 50);
    launcher.once('exit', (code) => {
      clearInterval(poll);
      reject(new Error(`launcher exited early (${code}): ${fs.readFileSync(outputFile, 'utf8')}`));
    });
  });
  return { launcher, serverPid };
}
