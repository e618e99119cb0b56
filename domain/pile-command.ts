/** What the platform can ask a pile to do, whatever protocol the pile speaks (ours over MQTT, later OCPP). */
export const PILE_COMMAND_TYPES = ['start', 'stop', 'configure', 'reset'] as const;
export type PileCommandType = (typeof PILE_COMMAND_TYPES)[number];

/** A command for one pile, as a session (or an operator) asks for it; the device adapter signs and delivers it. */
export interface PileCommand {
  commandId: string;
  pileId: string;
  type: PileCommandType;
  sessionId?: string;
  /** Unpredictable, chosen by whoever waits for the ack (a session workflow draws it from its seeded random). */
  nonce: string;
  params?: Record<string, string | number | boolean>;
  ttlSeconds: number;
}
