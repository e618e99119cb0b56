import { createHash, randomUUID } from 'node:crypto';
import { type Client, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure, WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { DriverAccounts } from '../db/driver-accounts';
import type { IdTags } from '../db/id-tags';
import type { SessionRequestKeys } from '../db/session-request-keys';
import type { StationDirectory } from '../db/stations';
import { DomainError } from '../domain/errors';
import { admitSession } from '../infra/session-admission';
import type { SessionPolicy } from '../workflows/charging-session.messages';

/** OCPP's AuthorizationStatus for a card the platform will not charge for. */
export type CardRefusal = 'Blocked' | 'Invalid';

/** The StartTransaction a charger may repeat (it never saw the answer): the same key, so the same session. */
export function localStartKey(chargerId: string, connectorId: number, timestamp: string, meterStart: number): string {
  return `ocpp-start:${createHash('sha256').update(`${chargerId}\n${connectorId}\n${timestamp}\n${meterStart}`).digest('hex').slice(0, 40)}`;
}

/**
 * Transactions a charger starts itself, with an RFID card (docs/ocpp.md, "RFID cards"): a card mapped to a driver
 * and active starts that driver's session on the connector's pile, through the same session workflow the API starts
 * (admitSession): the pile claimed, the driver's pre-authorization held, the bill the pile's meter. Any other card is
 * refused, so no energy flows that no session bills.
 */
export class LocalStarts {
  constructor(
    private readonly deps: {
      temporal: Client;
      taskQueue: string;
      policy: SessionPolicy;
      idTags: Pick<IdTags, 'lookup'>;
      requestKeys: Pick<SessionRequestKeys, 'sessionIdFor'>;
      stations: Pick<StationDirectory, 'pileByCode'>;
      accounts: Pick<DriverAccounts, 'assertNotFrozen'>;
    },
  ) {}

  /** What Authorize answers for a card: Accepted when it is mapped and active. */
  async statusOf(idTag: string): Promise<'Accepted' | CardRefusal> {
    const card = await this.deps.idTags.lookup(idTag);
    return !card ? 'Invalid' : card.status === 'active' ? 'Accepted' : 'Blocked';
  }

  /** The card's driver and the id of the session this start is (the same for a repeated start); or why not. */
  async sessionFor(idTag: string, startKey: string): Promise<{ userId: string; sessionId: string } | { refused: CardRefusal }> {
    const card = await this.deps.idTags.lookup(idTag);
    if (!card) return { refused: 'Invalid' };
    if (card.status !== 'active') return { refused: 'Blocked' };
    return { userId: card.userId, sessionId: await this.deps.requestKeys.sessionIdFor(card.userId, startKey, randomUUID) };
  }

  /**
   * Starts (or finds) the session and waits for its admission. Refusals (a frozen account, a pile out of service, the
   * pre-authorization declined, a session of this start that has ended) are answers; anything else (Temporal or the
   * store unreachable) throws, so the charger is told of an error and sends the StartTransaction again.
   */
  async admit(userId: string, sessionId: string, pileId: string): Promise<{ ok: true } | { ok: false; why: string }> {
    try {
      await this.deps.accounts.assertNotFrozen(userId);
    } catch (error) {
      if (error instanceof DomainError) return { ok: false, why: error.code };
      throw error;
    }
    // An OCPP charger's connector piles are written with their code as their id.
    const found = await this.deps.stations.pileByCode(pileId);
    if (!found || found.retired) return { ok: false, why: 'PILE_UNAVAILABLE' };
    const { pile, station, tariff } = found;
    const input = { sessionId, userId, pileId: pile.id, stationId: station.id, tariff, limits: {}, reserve: false, policy: this.deps.policy, pileRatedPowerW: pile.maxPowerW };
    try {
      await admitSession(this.deps.temporal, this.deps.taskQueue, input, `Charging session started with a card on pile ${pile.code} (${station.name})`);
      return { ok: true };
    } catch (error) {
      const cause = error instanceof WorkflowUpdateFailedError ? error.cause : error;
      if (cause instanceof ApplicationFailure) return { ok: false, why: cause.type ?? cause.message };
      if (error instanceof WorkflowExecutionAlreadyStartedError || (error as Error).cause instanceof WorkflowExecutionAlreadyStartedError) return { ok: false, why: 'the session of this start has ended' };
      throw error;
    }
  }
}
