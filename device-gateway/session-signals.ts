import { Client, WorkflowNotFoundError } from '@temporalio/client';
import type { SignalDefinition } from '@temporalio/workflow';
import { sessionWorkflowId } from '../workflows/charging-session.messages';

/** Relays pile facts to the session workflow that owns them. */
export interface SessionSignals {
  /** 'session_closed' when the session has already ended: a late fact changes nothing. */
  send<T>(sessionId: string, signal: SignalDefinition<[T]>, payload: T): Promise<'delivered' | 'session_closed'>;
}

export class TemporalSessionSignals implements SessionSignals {
  constructor(private readonly client: Client) {}

  async send<T>(sessionId: string, signal: SignalDefinition<[T]>, payload: T) {
    try {
      await this.client.workflow.getHandle(sessionWorkflowId(sessionId)).signal(signal, payload);
      return 'delivered' as const;
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return 'session_closed' as const;
      throw error;
    }
  }
}
