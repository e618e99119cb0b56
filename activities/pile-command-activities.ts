import type { PileCommand, SessionProgress } from '../domain/pile-command';
import type { PileCommandRecord, PileCommandStateChange, PileCommandStore, PileCommands, SessionProgressReader } from './ports';

export interface PileCommandActivityDeps {
  commands: PileCommandStore;
  pileCommands: PileCommands;
  sessions: SessionProgressReader;
}

/** All I/O of an operator's pile command. Each is idempotent: records are keyed by command id, sends by the same id. */
export function createPileCommandActivities({ commands, pileCommands, sessions }: PileCommandActivityDeps) {
  return {
    async recordPileCommand(record: PileCommandRecord): Promise<void> {
      await commands.record(record);
    },

    async recordPileCommandState(change: PileCommandStateChange): Promise<void> {
      await commands.changed(change);
    },

    /** Signs (afresh, with the remaining TTL) and publishes the command; the pile treats a resend as the same command. */
    async deliverOperatorCommand(command: PileCommand): Promise<void> {
      await pileCommands.send(command);
    },

    async sessionProgress(sessionId: string): Promise<SessionProgress | undefined> {
      return sessions.progress(sessionId);
    },
  };
}

export type PileCommandActivities = ReturnType<typeof createPileCommandActivities>;
