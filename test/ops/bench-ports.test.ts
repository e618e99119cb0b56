import { readFileSync } from 'node:fs';
import net from 'node:net';
import { type Child, PortTakenError, freePort, startChild, startOnFreePorts, waitForPort } from '../../bench/lib/child';

// The benchmarks start their own engines on ports they pick; on a shared machine another process can take a port
// between the pick and the bind. These run the machine's redis-server, as the benchmarks do.

const started: Child[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((child) => child.stop()));
});

function redisOn(port: number): Child {
  const child = startChild('/usr/bin/redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no']);
  started.push(child);
  return child;
}

function occupy(port: number): Promise<net.Server> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(port, '127.0.0.1', () => resolve(server));
  });
}

test('picks ports below the kernel ephemeral range, where no outgoing connection takes them', async () => {
  const ephemeralStart = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').split(/\s+/)[0]);
  const ports = await Promise.all(Array.from({ length: 20 }, () => freePort()));
  for (const port of ports) expect(port).toBeLessThan(ephemeralStart);
});

test('never hands out one port twice in a process, even to picks made side by side before anything binds', async () => {
  const ports = await Promise.all(Array.from({ length: 1000 }, () => freePort()));
  expect(new Set(ports).size).toBe(ports.length);
});

test('a server that finds its port taken is started again on a fresh one', async () => {
  const taken = await freePort();
  const squatter = await occupy(taken);
  const tried: number[] = [];
  try {
    const port = await startOnFreePorts(async () => {
      const port = tried.length === 0 ? taken : await freePort();
      tried.push(port);
      const child = redisOn(port);
      try {
        await waitForPort(port, 10_000, child);
      } catch (error) {
        await child.stop();
        throw error;
      }
      return port;
    });
    expect(tried).toEqual([taken, port]);
    expect(port).not.toBe(taken);
  } finally {
    squatter.close();
  }
});

test('a server whose port another process holds is not taken for ready: it says it could not bind', async () => {
  const taken = await freePort();
  const squatter = await occupy(taken);
  try {
    await expect(waitForPort(taken, 60_000, redisOn(taken))).rejects.toBeInstanceOf(PortTakenError);
  } finally {
    squatter.close();
  }
});

test('a server that exits for another reason fails at once with its output, and is not retried', async () => {
  let attempts = 0;
  const failure = startOnFreePorts(async () => {
    attempts++;
    const port = await freePort();
    const child = startChild('/usr/bin/redis-server', ['--port', String(port), '--no-such-option', 'yes']);
    started.push(child);
    await waitForPort(port, 60_000, child);
  });
  await expect(failure).rejects.toThrow(/exited before it listened[\s\S]*no-such-option/);
  expect(attempts).toBe(1);
});
