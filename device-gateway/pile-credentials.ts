import { fragments, loadConfig } from '../infra/config';
import { storedEmbeddedSecrets } from '../infra/embedded-secrets';
import { pileProvisioning } from '../device-protocol/provisioning';
import { pileTopics, PILE_ID_PATTERN } from '../device-protocol/topics';

/**
 * `npm run pile:credentials -- <pileId>...`: what each pile is commissioned with (MQTT account, topics, the key its
 * commands are signed with), derived from PILE_MASTER_KEY (or the embedded platform's key in DATA_DIR). One JSON
 * object per line, for the commissioning tool; when the master key is rotated, run it with the new key
 * (docs/security.md).
 */
function main(pileIds: string[]): void {
  const env = loadConfig({ PILE_MASTER_KEY: fragments.pileKeys.PILE_MASTER_KEY, MQTT_TOPIC_PREFIX: fragments.mqtt.MQTT_TOPIC_PREFIX, DATA_DIR: fragments.database.DATA_DIR });
  const masterKey = env.PILE_MASTER_KEY ?? storedEmbeddedSecrets(env.DATA_DIR).pileMasterKey;
  if (!masterKey) throw new Error(`PILE_MASTER_KEY is not set and ${env.DATA_DIR} holds no embedded platform's key`);
  if (pileIds.length === 0) throw new Error('usage: npm run pile:credentials -- <pileId> [<pileId> ...]');
  const bad = pileIds.filter((id) => !PILE_ID_PATTERN.test(id));
  if (bad.length) throw new Error(`not pile ids (letters, digits, _ and -, at most 64): ${bad.join(', ')}`);
  const topics = pileTopics(env.MQTT_TOPIC_PREFIX);
  for (const pileId of pileIds) console.log(JSON.stringify(pileProvisioning(masterKey, pileId, topics)));
}

try {
  main(process.argv.slice(2));
} catch (error) {
  console.error(`pile-credentials: ${(error as Error).message}`);
  process.exit(1);
}
