import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import { type PileCommandAck, pileCommandAcknowledgedSignal, pileCommandWorkflowId } from '../workflows/pile-command.messages';

/** Relays a pile's ack of an operator command to that command's workflow. */
export interface PileCommandSignals {
  /** 'command_closed' when the command has already ended (or never had a workflow): a late ack changes nothing. */
  send(commandId: string, ack: PileCommandAck): Promise<'delivered' | 'command_closed'>;
}

export class TemporalPileCommandSignals implements PileCommandSignals {
  constructor(private readonly client: Client) {}

  async send(commandId: string, ack: PileCommandAck) {
    try {
      await this.client.workflow.getHandle(pileCommandWorkflowId(commandId)).signal(pileCommandAcknowledgedSignal, ack);
      return 'delivered' as const;
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return 'command_closed' as const;
      throw error;
    }
  }
}
