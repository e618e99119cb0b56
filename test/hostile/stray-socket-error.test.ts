import { spawnSync } from 'node:child_process';
import { entryPoint } from '../support/process-harness';

/**
 * A process started by runMain (api, worker, gateway, the all-in-one system) in which a socket emits an 'error' that
 * nobody listens to. Node would exit; a connection's error must not stop every part of the process.
 */
function processWhoseSocketEmits(error: { message: string; code: string }) {
  const script = `
    const net = require('node:net');
    const { runMain } = require(${JSON.stringify(entryPoint('infra/process.js'))});
    runMain('probe', async () => {
      setImmediate(() => new net.Socket().emit('error', Object.assign(new Error(${JSON.stringify(error.message)}), { code: ${JSON.stringify(error.code)} })));
      setTimeout(() => { console.log('still serving'); process.kill(process.pid, 'SIGTERM'); }, 50);
      return { stop: async () => undefined };
    });`;
  return spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 20_000 });
}

describe('a stray socket error in a platform process', () => {
  it.each([
    ['a reset connection', 'ECONNRESET'],
    ['a bad WebSocket frame', 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH'],
  ])('is logged and dropped when it is %s', (_, code) => {
    const run = processWhoseSocketEmits({ message: 'one client misbehaved', code });
    expect(run.stdout).toContain('still serving');
    expect(run.status).toBe(0);
  });

  it('still stops the process when the error is not a connection error', () => {
    const run = processWhoseSocketEmits({ message: 'a real bug', code: 'ERR_ASSERTION' });
    expect(run.stdout).not.toContain('still serving');
    expect(run.status).toBe(1);
  });
});
