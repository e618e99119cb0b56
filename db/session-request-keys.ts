import type { Database } from './database';

/**
 * The session id a driver's request gets: random, so nobody can predict another driver's session; a request
 * retried with the same Idempotency-Key gets the id its first attempt was given, even when the attempts race
 * (the key's primary key lets one insert through and every attempt reads the winner).
 */
export class SessionRequestKeys {
  constructor(private readonly db: Database) {}

  async sessionIdFor(userId: string, idempotencyKey: string, newSessionId: () => string): Promise<string> {
    const { SessionRequestKey } = this.db.models;
    await SessionRequestKey.bulkCreate([{ userId, idempotencyKey, sessionId: newSessionId() }], { ignoreDuplicates: true });
    const mapping = await SessionRequestKey.findOne({ where: { userId, idempotencyKey } });
    if (!mapping) throw new Error(`the session request key of user ${userId} vanished`);
    return mapping.sessionId;
  }
}
