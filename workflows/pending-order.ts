import { sleep } from '@temporalio/workflow';

/**
 * The loop of a watch over a payment order that may never hear from its provider: asks after each delay until the
 * order is settled either way, and from `closeAt` on asks with `close` set (the provider closes or cancels what is
 * still open). Shared by the top-up and the Payscore order watches.
 */
export async function watchUntilSettled(options: { closeAt: number; delayMs: (attempt: number) => number; settle: (close: boolean) => Promise<string> }): Promise<string> {
  for (let attempt = 0; ; attempt++) {
    await sleep(Math.max(0, Math.min(options.delayMs(attempt), options.closeAt - Date.now())));
    const outcome = await options.settle(Date.now() >= options.closeAt);
    if (outcome !== 'pending') return outcome;
  }
}
