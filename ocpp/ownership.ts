import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { HotState } from '../infra/hot-state';
import { channels, hotKeys } from '../infra/hot-state/keys';
import { PILE_ID_PATTERN } from '../device-protocol/topics';

const takeover = z.object({ chargerId: z.string().regex(PILE_ID_PATTERN), token: z.string().uuid() });

/**
 * One socket per charger across central-system nodes (docs/ocpp.md, "One socket per charger"). Every accepted
 * connection claims its charger with a token of its own; the claim that reached the hot store last owns the charger.
 * Commands are sent only by the owner (checked when each command arrives), and a claim is announced so that a node
 * still holding an older socket of the charger (a reconnect before the old TCP connection timed out) closes it.
 *
 * The owner key has no TTL: a charger may stay connected for months. A key left by a node that died points at a
 * connection nobody holds; the charger's next connection claims over it.
 */
export class ChargerOwnership {
  constructor(private readonly hot: HotState) {}

  /** Makes a new connection the charger's owner and tells the other nodes; resolves with the connection's token. */
  async claim(chargerId: string): Promise<string> {
    const token = randomUUID();
    await this.hot.set(hotKeys.ocppOwner(chargerId), token);
    await this.announce(chargerId, token);
    return token;
  }

  /** Whether the connection of `token` is the charger's owner now. */
  async holds(chargerId: string, token: string): Promise<boolean> {
    return (await this.hot.get(hotKeys.ocppOwner(chargerId))) === token;
  }

  /**
   * Whether the connection of `token` may send the charger a command: it owns it, or nobody does because the hot
   * store lost the key (a restart without persistence), in which case it claims it again, announced like any claim.
   */
  async mayCommand(chargerId: string, token: string): Promise<boolean> {
    const owner = await this.hot.get(hotKeys.ocppOwner(chargerId));
    if (owner !== undefined) return owner === token;
    await this.hot.set(hotKeys.ocppOwner(chargerId), token);
    await this.announce(chargerId, token);
    return true;
  }

  /** The connection closed: the charger has no owner, unless a newer connection claimed it meanwhile. */
  async release(chargerId: string, token: string): Promise<void> {
    await this.hot.deleteIfHeld(hotKeys.ocppOwner(chargerId), token);
  }

  /** Calls `listener` for every claim of any node (its own included); resolves once listening. */
  onClaim(listener: (chargerId: string, token: string) => void): Promise<() => Promise<void>> {
    return this.hot.subscribe(channels.ocppTakeovers, (message) => {
      try {
        const parsed = takeover.safeParse(JSON.parse(message));
        if (parsed.success) listener(parsed.data.chargerId, parsed.data.token);
      } catch {
        // Not JSON: nothing any node of ours sent.
      }
    });
  }

  private announce(chargerId: string, token: string): Promise<void> {
    return this.hot.publish(channels.ocppTakeovers, JSON.stringify({ chargerId, token }));
  }
}
