/** The local days a refresh recomputed, both included. */
export interface RecomputedDays {
  from: string;
  to: string;
}

/** The rollups as the refresh sees them (db/stats-rollups.ts). */
export interface StatsRollupStore {
  recomputeRecent(days: number, now: Date): Promise<RecomputedDays>;
}

export interface StatsActivityDeps {
  rollups: StatsRollupStore;
  /** Local days recomputed each run, today included (STATS_RECOMPUTE_DAYS). */
  recentDays: number;
  clock: () => number;
}

/** Recomputing a day replaces it whole: a retried activity, or two refreshes at once, leave the same rows. */
export function createStatsActivities({ rollups, recentDays, clock }: StatsActivityDeps) {
  return {
    async recomputeRecentStats(): Promise<RecomputedDays> {
      return rollups.recomputeRecent(recentDays, new Date(clock()));
    },
  };
}

export type StatsActivities = ReturnType<typeof createStatsActivities>;
