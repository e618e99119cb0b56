import { RPCClient } from 'ocpp-rpc';
import { deriveOcppPassword } from '../device-protocol/ocpp';
import { mapLimited } from './lib/concurrency';
import { serveOperations } from './lib/ipc';

/**
 * The simulated OCPP 1.6J chargers of `npm run bench -- ocpp`, in a process of their own, driven over IPC. Each is
 * ocpp-rpc's own client in strict mode (every message both ways checked against the official schemas) on its own
 * WebSocket with its derived Basic-auth password. A charger boots, reports Available, heartbeats at the interval
 * the central system's BootNotification answer gives, starts a transaction when told to (RemoteStartTransaction)
 * and then sends MeterValues every `meterIntervalS`, each stamped with the moment it is sent.
 */
const masterKey = process.env.PILE_MASTER_KEY!;

interface BenchCharger {
  pileId: string;
  powerW: number;
  rpc: RPCClient;
  meterWh: number;
  transactionId?: number;
  timers: NodeJS.Timeout[];
}

const chargers = new Map<string, BenchCharger>();
let meterIntervalS = 10;
let measuring = false;
/** Heartbeat call → answer, ms, of calls sent while measuring. */
let heartbeats: number[] = [];
/** MeterValues call → answer, ms. */
let meterAnswers: number[] = [];
/** `pileId|epoch ms` of every MeterValues sample sent while measuring (the progress message names the same moment). */
let sent: string[] = [];
let failedCalls = 0;

const timed = async (charger: BenchCharger, method: string, params: object, record?: number[]) => {
  const started = performance.now();
  const answer = await charger.rpc.call(method, params);
  if (record && measuring) record.push(Math.round((performance.now() - started) * 10) / 10);
  return answer as Record<string, unknown>;
};

/** Runs `work` every `everyMs`, first after a random part of it, so a fleet's messages do not come in waves. */
function every(charger: BenchCharger, everyMs: number, work: () => Promise<unknown>): void {
  const tick = () => void work().catch(() => failedCalls++);
  const first = setTimeout(
    () => {
      tick();
      charger.timers.push(setInterval(tick, everyMs));
    },
    Math.random() * everyMs,
  );
  charger.timers.push(first);
}

function meter(charger: BenchCharger, transactionId: number): void {
  charger.transactionId = transactionId;
  every(charger, meterIntervalS * 1000, async () => {
    charger.meterWh += Math.round((charger.powerW * meterIntervalS) / 3600);
    const at = Date.now();
    if (measuring) sent.push(`${charger.pileId}|${at}`);
    const sampledValue = [
      { value: String(charger.meterWh), measurand: 'Energy.Active.Import.Register', unit: 'Wh', context: 'Sample.Periodic' },
      { value: String(charger.powerW), measurand: 'Power.Active.Import', unit: 'W', context: 'Sample.Periodic' },
    ];
    await timed(charger, 'MeterValues', { connectorId: 1, transactionId, meterValue: [{ timestamp: new Date(at).toISOString(), sampledValue }] }, meterAnswers);
  });
}

/** What a charger does when the platform starts a session on it: accept, then start the transaction and meter it. */
async function startTransaction(charger: BenchCharger, idTag: string): Promise<void> {
  await charger.rpc.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Preparing' });
  const answer = (await charger.rpc.call('StartTransaction', { connectorId: 1, idTag, meterStart: charger.meterWh, timestamp: new Date().toISOString() })) as {
    transactionId: number;
    idTagInfo: { status: string };
  };
  if (answer.idTagInfo.status !== 'Accepted') throw new Error(`StartTransaction ${answer.idTagInfo.status}`);
  await charger.rpc.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Charging' });
  meter(charger, answer.transactionId);
}

async function connectOne(url: string, pileId: string, maxPowerW: number, index: number): Promise<void> {
  const rpc = new RPCClient({ endpoint: `${url}/ocpp/1.6`, identity: pileId, password: deriveOcppPassword(masterKey, pileId), protocols: ['ocpp1.6'], strictMode: true, reconnect: false } as never);
  const charger: BenchCharger = { pileId, powerW: Math.round(maxPowerW / 2), rpc, meterWh: 1_000_000 + index * 1000, timers: [] };
  rpc.handle('RemoteStartTransaction', async ({ params }) => {
    setImmediate(() => void startTransaction(charger, String(params?.idTag)).catch(() => failedCalls++));
    return { status: 'Accepted' };
  });
  rpc.handle(async () => ({ status: 'Accepted' }));
  rpc.on('close', () => charger.timers.forEach(clearTimeout));
  await rpc.connect();
  chargers.set(pileId, charger);
  const boot = (await rpc.call('BootNotification', { chargePointVendor: 'evcp-bench', chargePointModel: 'ocpp-rpc' })) as { status: string; interval: number };
  if (boot.status !== 'Accepted') throw new Error(`BootNotification ${boot.status}`);
  await rpc.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Available' });
  every(charger, boot.interval * 1000, () => timed(charger, 'Heartbeat', {}, heartbeats));
}

const operations = {
  /** Connects and boots every charger, `concurrency` at a time; how many made it, how long it took, the first failure. */
  async connect(url: string, piles: { pileId: string; maxPowerW: number }[], concurrency: number, intervalS: number) {
    meterIntervalS = intervalS;
    const started = Date.now();
    const failures: string[] = [];
    await mapLimited(piles, concurrency, (pile, i) => connectOne(url, pile.pileId, pile.maxPowerW, i).catch((error: Error) => void failures.push(`${pile.pileId}: ${error.message}`)));
    return { connected: piles.length - failures.length, failed: failures.length, firstFailure: failures[0], ms: Date.now() - started };
  },

  /** Baseline (no platform behind the server): these chargers meter a transaction nobody started. */
  async meterWithoutSession(pileIds: string[]) {
    pileIds.forEach((id, i) => meter(chargers.get(id)!, i + 1));
  },

  async charging() {
    return [...chargers.values()].filter((c) => c.transactionId !== undefined).length;
  },

  async measure() {
    [heartbeats, meterAnswers, sent, failedCalls, measuring] = [[], [], [], 0, true];
  },

  /** Ends the window: what was sent and how the central system answered while it lasted. */
  async measured() {
    measuring = false;
    return { heartbeats, meterAnswers, sent, failedCalls };
  },

  async disconnect() {
    await Promise.all([...chargers.values()].map((c) => c.rpc.close({ code: 1000, force: true }).catch(() => undefined)));
    chargers.clear();
  },
};

serveOperations(operations);

export type ChargerOperations = typeof operations;
