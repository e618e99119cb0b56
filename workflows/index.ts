export { chargingSession } from './charging-session';
