export { chargingSession } from './charging-session';
export { sweepOrphanedSessions } from './session-sweeper';
export { watchPendingTopUp } from './pending-top-up';
export { refundToPayer } from './refund';
export { pileCommand } from './pile-command';
export { alarmWorkflow } from './alarm';
export { pushBillNotice } from './bill-notice';
export { refreshStatsRollups } from './stats-rollup';
