import { derivePileSecret } from './commands';
import { mqttCredentials } from './mqtt-accounts';
import type { PileTopics } from './topics';

/** Everything a pile is configured with at commissioning: where it speaks, as whom, and the key its commands are signed with. */
export interface PileProvisioning {
  pileId: string;
  mqtt: { username: string; password: string; clientId: string; uplinkTopics: string; commandTopic: string };
  /** HMAC key of the commands the platform signs for this pile (docs/adr/0003-signed-commands.md). */
  commandSecret: string;
}

/** Derived from the master key alone, like every credential of the platform: nothing per pile is stored. */
export function pileProvisioning(masterKey: string, pileId: string, topics: PileTopics): PileProvisioning {
  const { username, password } = mqttCredentials(masterKey, { role: 'pile', pileId });
  return {
    pileId,
    mqtt: { username, password, clientId: username, uplinkTopics: topics.allOfPile(pileId), commandTopic: topics.command(pileId) },
    commandSecret: derivePileSecret(masterKey, pileId),
  };
}
