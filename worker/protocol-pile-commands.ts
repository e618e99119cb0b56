import type { PileCommands } from '../activities/ports';
import type { PileRegistry } from '../db/pile-registry';
import type { PileCommand } from '../domain/pile-command';

/** Sends each command through the front door its pile speaks: OCPP chargers get theirs from the central system. */
export class ProtocolPileCommands implements PileCommands {
  constructor(private readonly options: { piles: Pick<PileRegistry, 'lookup'>; mqtt: PileCommands; ocpp: PileCommands }) {}

  async send(command: PileCommand): Promise<void> {
    const pile = await this.options.piles.lookup(command.pileId);
    await (pile?.protocol === 'ocpp1.6' ? this.options.ocpp : this.options.mqtt).send(command);
  }
}
