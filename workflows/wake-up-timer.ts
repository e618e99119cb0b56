import { CancellationScope, isCancellation, sleep } from '@temporalio/workflow';

/**
 * One durable timer that wakes a wait loop at a deadline when nothing else does.
 *
 * - `armAt(deadline)` cancels the pending timer, if any, and starts one that fires at `deadline` (workflow clock;
 *   at least a millisecond from now). At most one timer is pending, so history holds one timer per arming, not
 *   one per wake-up of the loop.
 * - `rang` is true once the timer armed last has fired, until the next `armAt`.
 * - `cancel()` cancels the pending timer; call it when the loop ends. A cancelled timer never rings and never throws.
 */
export class WakeUpTimer {
  private pending?: CancellationScope;
  private fired = false;

  get rang(): boolean {
    return this.fired;
  }

  armAt(deadline: number) {
    this.cancel();
    this.fired = false;
    const scope = (this.pending = new CancellationScope());
    scope
      .run(() => sleep(Math.max(1, deadline - Date.now())))
      .then(() => (this.fired = true))
      .catch((err) => {
        if (!isCancellation(err)) throw err;
      });
  }

  cancel() {
    this.pending?.cancel();
  }
}
