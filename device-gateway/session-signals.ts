import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import type { SignalDefinition } from '@temporalio/workflow';
import { KeyedQueue } from '../infra/keyed-queue';
import { sessionWorkflowId } from '../workflows/charging-session.messages';

/** Relays pile facts to the session workflow that owns them. */
export interface SessionSignals {
  /** 'session_closed' when the session has already ended: a late fact changes nothing. */
  send<T>(sessionId: string, signal: SignalDefinition<[T]>, payload: T): Promise<'delivered' | 'session_closed'>;
}

/**
 * Signals to one session leave in the order they were sent, even when a caller does not wait for delivery (a
 * checkpoint must not overtake, or be overtaken by, the stop that follows it).
 */
export class TemporalSessionSignals implements SessionSignals {
  private readonly perSession = new KeyedQueue();

  constructor(private readonly client: Client) {}

  send<T>(sessionId: string, signal: SignalDefinition<[T]>, payload: T) {
    return this.perSession.run(sessionId, () => this.deliver(sessionId, signal, payload));
  }

  private async deliver<T>(sessionId: string, signal: SignalDefinition<[T]>, payload: T) {
    try {
      await this.client.workflow.getHandle(sessionWorkflowId(sessionId)).signal(signal, payload);
      return 'delivered' as const;
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return 'session_closed' as const;
      throw error;
    }
  }
}
