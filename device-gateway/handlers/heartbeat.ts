import type { HeartbeatMessage } from '../../device-protocol/messages';
import { type Handler } from '../context';

/** Nothing beyond presence, which the router records for every message. */
export const handleHeartbeat: Handler<HeartbeatMessage> = async () => undefined;
