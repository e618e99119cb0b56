import { randomUUID } from 'node:crypto';
import type { PileCommandInput } from '../../workflows/pile-command.messages';

/** An operator's reset of pile P-001, with a fresh command id; `overrides` change any part of it. */
export function aPileCommandInput(overrides: Partial<PileCommandInput> = {}): PileCommandInput {
  return {
    commandId: randomUUID(),
    pileId: 'pile-1',
    pileCode: 'P-001',
    type: 'reset',
    params: {},
    reason: 'stuck after a fault',
    requestedBy: { id: 'op-1', name: 'olga', role: 'operator' },
    policy: { ttlMs: 60_000, resend: { initialMs: 5_000, maxMs: 20_000 }, sessionPollMs: 2_000 },
    ...overrides,
  };
}
