export { chargingSession } from './charging-session';
export { sweepOrphanedSessions } from './session-sweeper';
export { alarmWorkflow } from './alarm';
