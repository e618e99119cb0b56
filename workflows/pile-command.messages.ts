import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { OperatorCommandState, PileCommandParams, PileCommandType } from '../domain/pile-command';

/**
 * The operator pile-command workflow's contract: its input, the messages it accepts and the state it exposes.
 * The API and the gateway import this module, never the workflow itself.
 */
export const PILE_COMMAND_WORKFLOW = 'pileCommand';

/** One workflow per command: the same command id can never run twice (Temporal's workflow-id uniqueness). */
export function pileCommandWorkflowId(commandId: string): string {
  return `pile-command-${commandId}`;
}

export interface CommandRequester {
  id: string;
  name: string;
  role: string;
}

export interface PileCommandPolicy {
  /** How long the command stays valid: a device command not acknowledged by then ends `expired`. */
  ttlMs: number;
  /** Resends of an unacknowledged device command: first after `initialMs`, doubling up to `maxMs`. */
  resend: { initialMs: number; maxMs: number };
  /** How often a start or stop looks at its session's record while waiting for the session's outcome. */
  sessionPollMs: number;
}

export interface PileCommandInput {
  commandId: string;
  pileId: string;
  pileCode: string;
  type: PileCommandType;
  params: PileCommandParams;
  reason: string;
  requestedBy: CommandRequester;
  /** start/stop: the charging session the command started or stopped; its outcome is the command's. */
  sessionId?: string;
  policy: PileCommandPolicy;
}

/** The pile's answer to an operator command, relayed by the gateway (which checked it came from the command's pile). */
export interface PileCommandAck {
  /** Echoed from the signed command; an ack counts only when it matches the nonce the workflow signed. */
  nonce?: string;
  accepted: boolean;
  reason?: string;
  /** What the pile answered beyond yes or no (e.g. the keys of an OCPP GetConfiguration): the command's detail. */
  result?: string;
}

export interface PileCommandView {
  commandId: string;
  state: OperatorCommandState;
  attempts: number;
  detail?: string;
  sessionId?: string;
}

export const pileCommandAcknowledgedSignal = defineSignal<[PileCommandAck]>('pileCommandAcknowledged');
export const pileCommandStateQuery = defineQuery<PileCommandView>('pileCommandState');
