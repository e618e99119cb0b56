import type { PileCommands } from '../activities/ports';
import type { MqttClient } from './mqtt';
import { type PileCommand, derivePileSecret, signCommand } from '../device-protocol/commands';
import { COMMAND_QOS, type PileTopics } from '../device-protocol/topics';

/**
 * Publishes signed commands to piles. A retried send re-signs with a fresh expiry but keeps the command id,
 * so the pile treats it as the same command.
 */
export class MqttPileCommands implements PileCommands {
  constructor(private readonly options: { mqtt: MqttClient; masterKey: string; topics: PileTopics; clock?: () => number }) {}

  async send(command: PileCommand): Promise<void> {
    const { mqtt, masterKey, topics, clock = Date.now } = this.options;
    const token = signCommand(command, derivePileSecret(masterKey, command.pileId), clock());
    await mqtt.publishAsync(topics.command(command.pileId), token, { qos: COMMAND_QOS });
  }
}
