export { chargingSession } from './charging-session';
export { sweepOrphanedSessions } from './session-sweeper';
export { pileCommand } from './pile-command';
