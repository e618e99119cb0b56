import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pileTopics } from '../../device-protocol/topics';
import { ACCESS_ACCOUNTS, describeBrokerAccess } from '../support/broker-access';
import { freePort } from '../support/process-harness';

/**
 * The production broker configuration (ops/mosquitto) on a Mosquitto of its own: the shipped mosquitto.conf
 * with its paths and port moved into a temporary directory, and the password file and ACL written by
 * ops/mosquitto/gen-auth.sh, exactly as an operator would run it.
 */
const MOSQUITTO = process.env.MOSQUITTO_BIN ?? '/usr/sbin/mosquitto';
const opsDir = path.join(__dirname, '../../ops/mosquitto');
const masterKey = 'mosquitto-access-test-master-key-0123456789';
const prefix = 'test-prefix/evcp';
let dir: string;
let broker: ChildProcess;
let url: string;

async function startMosquitto(configFile: string): Promise<ChildProcess> {
  const child = spawn(MOSQUITTO, ['-c', configFile], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      if (/mosquitto version .* running/.test(output)) resolve();
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    child.once('exit', (code) => reject(new Error(`mosquitto exited (${code}) before it was ready:\n${output}`)));
  });
  return child;
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'evcp-mosquitto-'));
  const generated = spawnSync('sh', [path.join(opsDir, 'gen-auth.sh'), path.join(dir, 'auth')], {
    input: `${ACCESS_ACCOUNTS.piles.join('\n')}\n`,
    env: { ...process.env, PILE_MASTER_KEY: masterKey, MQTT_TOPIC_PREFIX: prefix, MQTT_GATEWAYS: ACCESS_ACCOUNTS.gateway, MQTT_COMMAND_SENDERS: ACCESS_ACCOUNTS.commands },
    encoding: 'utf8',
  });
  if (generated.status !== 0) throw new Error(`gen-auth.sh failed: ${generated.stderr}`);
  const port = await freePort();
  const shipped = fs.readFileSync(path.join(opsDir, 'mosquitto.conf'), 'utf8');
  const config = shipped
    .replace(/^listener 1883 0\.0\.0\.0$/m, `listener ${port} 127.0.0.1`)
    .replaceAll('/mosquitto/auth/', `${dir}/auth/`)
    .replaceAll('/mosquitto/data/', `${dir}/data/`)
    // stdout into a pipe is block-buffered: the "running" line would not arrive in time.
    .replace(/^log_dest stdout$/m, 'log_dest stderr');
  if (config === shipped) throw new Error('ops/mosquitto/mosquitto.conf no longer has the lines this test adapts');
  fs.mkdirSync(path.join(dir, 'data'));
  // Started as root, mosquitto would switch to the "mosquitto" user, which cannot read this private directory.
  const configFile = path.join(dir, 'mosquitto.conf');
  fs.writeFileSync(configFile, `${config}\nuser ${os.userInfo().username}\n`);
  broker = await startMosquitto(configFile);
  url = `mqtt://127.0.0.1:${port}`;
}, 30_000);

afterAll(() => {
  broker?.kill();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('Mosquitto with ops/mosquitto authenticates every client and confines it to its account', () => {
  describeBrokerAccess(() => ({ url, masterKey, topics: pileTopics(prefix), sharedGroup: 'evcp-gateway' }));
});
