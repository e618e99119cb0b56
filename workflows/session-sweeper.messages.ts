/** The orphaned-session sweeper's contract: its workflow type and the schedule that runs it. */
export const SESSION_SWEEPER_WORKFLOW = 'sweepOrphanedSessions';
export const SESSION_SWEEPER_SCHEDULE_ID = 'sweep-orphaned-sessions';
/** How often the sweep runs; a hold or pile left behind by a closed workflow is given back within this. */
export const SESSION_SWEEP_INTERVAL = '5 minutes';

export interface SweepReport {
  /** Sessions whose hold or pile the sweep gave back and flagged for review. */
  swept: string[];
  /** Refunds (out_refund_no) still processing whose workflow the sweep started. */
  refundsRestarted: string[];
}
