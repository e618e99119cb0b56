import { Client, WorkflowNotFoundError } from '@temporalio/client';
import type { SignalDefinition } from '@temporalio/workflow';
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
  private readonly inFlight = new Map<string, Promise<unknown>>();

  constructor(private readonly client: Client) {}

  send<T>(sessionId: string, signal: SignalDefinition<[T]>, payload: T) {
    const sent = (this.inFlight.get(sessionId) ?? Promise.resolve()).catch(() => undefined).then(() => this.deliver(sessionId, signal, payload));
    this.inFlight.set(sessionId, sent);
    void sent.catch(() => undefined).finally(() => this.inFlight.get(sessionId) === sent && this.inFlight.delete(sessionId));
    return sent;
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
