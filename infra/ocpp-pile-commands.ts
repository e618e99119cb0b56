import type { PileCommands } from '../activities/ports';
import type { PileCommand } from '../domain/pile-command';
import { relayCommand } from '../device-protocol/ocpp';
import type { HotState } from './hot-state';
import { channels } from './hot-state/keys';

/**
 * Commands to OCPP chargers: any central-system node may hold a charger's socket, so the command goes out on the
 * charger's own channel and the node holding it turns it into a CALL. Nobody holds it when the charger is offline:
 * the session (or the operator's command workflow) waits for the ack and sends again, as it does over MQTT.
 */
export class OcppPileCommands implements PileCommands {
  constructor(private readonly options: { hot: HotState; clock?: () => number }) {}

  async send(command: PileCommand): Promise<void> {
    const { hot, clock = Date.now } = this.options;
    await hot.publish(channels.ocppCommands(command.pileId), relayCommand(command, clock()));
  }
}
