import { type PileDeviceReport } from './pile-status';
import { pileDisplayStatus } from './pile-status';
import type { SessionStatus } from './session-state';

describe('pile status shown to drivers', () => {
  it.each([
    ['never heard from', {}, undefined, 'offline'],
    ['offline, even with a session', { state: 'offline' }, 'CHARGING', 'offline'],
    ['faulted', { state: 'faulted' }, undefined, 'fault'],
    ['idle and free', { state: 'idle' }, undefined, 'idle'],
    ['idle but reserved', { state: 'idle' }, 'RESERVED', 'reserved'],
    ['held by a session that is starting', { state: 'plugged' }, 'STARTING', 'charging'],
    ['charging without a platform session', { state: 'charging' }, undefined, 'charging'],
    ['plugged in after the session ended', { state: 'plugged' }, undefined, 'occupied'],
  ] as [string, PileDeviceReport, SessionStatus | undefined, string][])('%s → %s', (_, device, occupiedBy, expected) => {
    expect(pileDisplayStatus(device, occupiedBy)).toBe(expected);
  });
});
