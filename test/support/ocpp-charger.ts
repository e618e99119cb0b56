import { RPCClient } from 'ocpp-rpc';

/** A remote call the central system made to the charger, as the charger saw it. */
export interface ReceivedCall {
  method: string;
  params: any;
}

/**
 * An OCPP 1.6J charge point for tests: ocpp-rpc's own client (strict mode: every message it sends or receives is
 * checked against the official 1.6 schemas), independent of the platform's code. It answers the central system's
 * calls with `answers` (Accepted by default) and records them; the test scripts what the charger says.
 */
export class TestCharger {
  readonly received: ReceivedCall[] = [];
  private readonly waiters: { method: string; resolve: (call: ReceivedCall) => void }[] = [];
  readonly answers: Record<string, any> = {};

  private constructor(readonly rpc: RPCClient) {
    rpc.handle(async ({ method, params }: { method?: string; params?: any }) => {
      const call = { method: method!, params };
      this.received.push(call);
      for (const waiter of this.waiters.filter((w) => w.method === method)) {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        waiter.resolve(call);
      }
      return this.answers[method!] ?? { status: 'Accepted' };
    });
  }

  /**
   * Connects as `identity` to `{baseUrl}/ocpp/1.6/{identity}` with HTTP Basic `password` (security profile 1);
   * `wsOpts` go to the ws client, e.g. `ca` for wss:// through the TLS proxy (profile 2).
   */
  static async connect(baseUrl: string, identity: string, password: string | undefined, protocols = ['ocpp1.6'], wsOpts: object = {}): Promise<TestCharger> {
    const rpc = new RPCClient({ endpoint: `${baseUrl}/ocpp/1.6`, identity, password, protocols, strictMode: true, reconnect: false, wsOpts } as any);
    await rpc.connect();
    return new TestCharger(rpc);
  }

  call<T = any>(method: string, params: object): Promise<T> {
    return this.rpc.call(method, params) as Promise<T>;
  }

  /** The next call of `method` from the central system (or one already received and not yet taken). */
  nextCall(method: string, timeoutMs = 30_000): Promise<ReceivedCall> {
    const seen = this.received.findIndex((c) => c.method === method);
    if (seen >= 0) return Promise.resolve(this.received.splice(seen, 1)[0]);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${method} within ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push({
        method,
        resolve: (call) => {
          clearTimeout(timer);
          this.received.splice(this.received.indexOf(call), 1);
          resolve(call);
        },
      });
    });
  }

  async close(): Promise<void> {
    await this.rpc.close({ code: 1000 });
  }
}

/** A MeterValue of a transaction: the energy register in Wh and the power in W, at `at`. */
export function meterValue(at: number, energyWh: number, powerW: number) {
  return {
    timestamp: new Date(at).toISOString(),
    sampledValue: [
      { value: String(energyWh), measurand: 'Energy.Active.Import.Register', unit: 'Wh', context: 'Sample.Periodic' },
      { value: String(powerW), measurand: 'Power.Active.Import', unit: 'W', context: 'Sample.Periodic' },
    ],
  };
}
