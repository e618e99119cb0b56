import { type Child, startChild } from './child';

/** What a benchmark's helper process can be asked to do: named async operations. */
export type Operations = Record<string, (...args: never[]) => Promise<unknown>>;

interface Request {
  id: number;
  op: string;
  args: unknown[];
}

type Reply = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string } | { ready: true };

/**
 * The helper process's side: serves `operations` to the benchmark over IPC and tells it it is ready. Simulated
 * devices run in a process of their own so that they do not share an event loop with the clients that measure.
 */
export function serveOperations(operations: Operations): void {
  process.on('message', (request: Request) => {
    const operation = operations[request.op] as ((...args: unknown[]) => Promise<unknown>) | undefined;
    if (!operation) return process.send!({ id: request.id, ok: false, error: `no operation ${request.op}` } satisfies Reply);
    operation(...request.args).then(
      (result) => process.send!({ id: request.id, ok: true, result } satisfies Reply),
      (error: Error) => process.send!({ id: request.id, ok: false, error: `${error.message}${error instanceof AggregateError ? `: ${error.errors[0]}` : ''}` } satisfies Reply),
    );
  });
  process.on('disconnect', () => process.exit(0));
  process.send!({ ready: true } satisfies Reply);
}

/** The benchmark's side of a helper process started from `script` (a compiled file of bench/). */
export class IpcChild<O extends Operations> {
  private nextId = 0;
  private readonly pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();

  private constructor(
    name: string,
    readonly child: Child,
  ) {
    child.process.on('message', (reply: Reply) => {
      if ('ready' in reply) return;
      const waiting = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      if (reply.ok) waiting?.resolve(reply.result);
      else waiting?.reject(new Error(`${name}: ${reply.error}`));
    });
    void child.exited.then((code) => {
      for (const waiting of this.pending.values()) waiting.reject(new Error(`${name} exited (${code}):\n${child.tail()}`));
    });
  }

  static async start<O extends Operations>(name: string, script: string, env: NodeJS.ProcessEnv): Promise<IpcChild<O>> {
    const child = startChild(process.execPath, [script], { env: { ...process.env, ...env }, raiseFileLimit: true, ipc: true });
    await new Promise<void>((resolve, reject) => {
      child.process.once('message', () => resolve());
      void child.exited.then((code) => reject(new Error(`${name} exited (${code}) at start:\n${child.tail()}`)));
    });
    return new IpcChild<O>(name, child);
  }

  get pid(): number {
    return this.child.pid;
  }

  call<K extends keyof O & string>(op: K, ...args: Parameters<O[K]>): ReturnType<O[K]> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.child.process.send({ id, op, args } satisfies Request);
    }) as ReturnType<O[K]>;
  }

  async stop(): Promise<void> {
    if (this.child.process.connected) this.child.process.disconnect();
    await this.child.stop();
  }
}
