/**
 * Runs `work` again after each delay while `isTransient` says the failure may pass (a deadlock victim, a busy
 * SQLite file, Temporal or Redis briefly away); the last failure, or a permanent one, is thrown.
 */
export async function retryTransient<T>(work: () => Promise<T>, options: { delaysMs: number[]; isTransient?: (error: unknown) => boolean }): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (attempt >= options.delaysMs.length || !(options.isTransient?.(error) ?? true)) throw error;
      await new Promise((resolve) => setTimeout(resolve, options.delaysMs[attempt]));
    }
  }
}
