export interface Tickable {
  /** Does whatever has come due (telemetry, heartbeat, unplugging) by the pile's own clock. */
  tick(): void;
}

/**
 * One timer for many piles, so a fleet of 10,000 runs on one interval instead of tens of thousands.
 * It runs only while it has members and never keeps the process alive on its own.
 */
export class PileTicker {
  private readonly members = new Set<Tickable>();
  private timer?: NodeJS.Timeout;

  constructor(readonly periodMs: number) {}

  add(member: Tickable): void {
    this.members.add(member);
    this.timer ??= setInterval(() => this.members.forEach((m) => m.tick()), this.periodMs).unref();
  }

  remove(member: Tickable): void {
    this.members.delete(member);
    if (this.members.size === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }
}

/**
 * A quarter of the telemetry interval keeps each pile's cadence close to its interval; the bounds keep
 * short test intervals from spinning and long ones from delaying an unplug by more than a quarter second.
 */
export function tickPeriodFor(telemetryIntervalMs: number): number {
  return Math.min(250, Math.max(10, Math.round(telemetryIntervalMs / 4)));
}
