import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './process-harness';

/**
 * The production broker configuration (ops/mosquitto) on a Mosquitto of its own: the shipped mosquitto.conf with
 * its paths and port moved into a temporary directory, and the password file and ACL written by
 * ops/mosquitto/gen-auth.sh, exactly as an operator would run it.
 */
const MOSQUITTO = process.env.MOSQUITTO_BIN ?? '/usr/sbin/mosquitto';
export const MOSQUITTO_OPS_DIR = path.join(__dirname, '../../ops/mosquitto');

export interface ShippedMosquittoOptions {
  masterKey: string;
  topicPrefix?: string;
  piles: readonly string[];
  gateways: readonly string[];
  commandSenders: readonly string[];
}

export interface ShippedMosquitto {
  /** Plain MQTT (the shipped config has it on loopback only). */
  url: string;
  /** MQTT over TLS with the certificate of ops/scripts/gen-certs.sh; piles verify it against `caFile`. */
  tlsUrl: string;
  caFile: string;
  stop(): Promise<void>;
}

export async function startShippedMosquitto(options: ShippedMosquittoOptions): Promise<ShippedMosquitto> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'evcp-mosquitto-'));
  const generated = spawnSync('sh', [path.join(MOSQUITTO_OPS_DIR, 'gen-auth.sh'), path.join(dir, 'auth')], {
    input: `${options.piles.join('\n')}\n`,
    env: {
      ...process.env,
      PILE_MASTER_KEY: options.masterKey,
      MQTT_TOPIC_PREFIX: options.topicPrefix ?? '',
      MQTT_GATEWAYS: options.gateways.join(' '),
      MQTT_COMMAND_SENDERS: options.commandSenders.join(' '),
    },
    encoding: 'utf8',
  });
  if (generated.status !== 0) throw new Error(`gen-auth.sh failed: ${generated.stderr}`);
  const certs = spawnSync('sh', [path.join(__dirname, '../../ops/scripts/gen-certs.sh'), path.join(dir, 'certs')], { encoding: 'utf8' });
  if (certs.status !== 0) throw new Error(`gen-certs.sh failed: ${certs.stderr}`);
  const [port, tlsPort] = [await freePort(), await freePort()];
  const shipped = fs.readFileSync(path.join(MOSQUITTO_OPS_DIR, 'mosquitto.conf'), 'utf8');
  const config = shipped
    .replace(/^listener 1883 127\.0\.0\.1$/m, `listener ${port} 127.0.0.1`)
    .replace(/^listener 8883 0\.0\.0\.0$/m, `listener ${tlsPort} 127.0.0.1`)
    .replaceAll('/mosquitto/certs/', `${dir}/certs/mqtt/`)
    .replaceAll('/mosquitto/auth/', `${dir}/auth/`)
    .replaceAll('/mosquitto/data/', `${dir}/data/`)
    // stdout into a pipe is block-buffered: the "running" line would not arrive in time.
    .replace(/^log_dest stdout$/m, 'log_dest stderr');
  if (config === shipped) throw new Error('ops/mosquitto/mosquitto.conf no longer has the lines this harness adapts');
  fs.mkdirSync(path.join(dir, 'data'));
  // Started as root, mosquitto would switch to the "mosquitto" user, which cannot read this private directory.
  const configFile = path.join(dir, 'mosquitto.conf');
  fs.writeFileSync(configFile, `${config}\nuser ${os.userInfo().username}\n`);
  const broker = await runMosquitto(configFile);
  return {
    url: `mqtt://127.0.0.1:${port}`,
    tlsUrl: `mqtts://localhost:${tlsPort}`,
    caFile: path.join(dir, 'certs', 'trust', 'ca.crt'),
    async stop() {
      if (broker.exitCode === null) {
        const exited = new Promise((resolve) => broker.once('exit', resolve));
        broker.kill();
        await exited;
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function runMosquitto(configFile: string): Promise<ChildProcess> {
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
