/** The dashboards' rollup refresh: its workflow type and the schedule that runs it. */
export const STATS_ROLLUP_WORKFLOW = 'refreshStatsRollups';
export const STATS_ROLLUP_SCHEDULE_ID = 'refresh-stats-rollups';
/** How often the recent days are recomputed: the dashboards lag the orders by at most this. */
export const STATS_ROLLUP_INTERVAL = '5 minutes';

export interface StatsRollupReport {
  /** The local days recomputed, both included. */
  from: string;
  to: string;
}
