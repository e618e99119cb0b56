import type { SessionStatus } from './session-state';

/** What a driver or operator sees for a pile, combining the pile's own report with session occupancy. */
export const PILE_DISPLAY_STATUSES = ['idle', 'reserved', 'charging', 'occupied', 'fault', 'offline'] as const;
export type PileDisplayStatus = (typeof PILE_DISPLAY_STATUSES)[number];

export interface PileDeviceReport {
  /** As last reported by the pile (protocol state), or undefined if never heard from. */
  state?: 'idle' | 'plugged' | 'charging' | 'faulted' | 'unavailable' | 'offline';
}

export function pileDisplayStatus(device: PileDeviceReport, occupiedBy?: SessionStatus): PileDisplayStatus {
  if (device.state === undefined || device.state === 'offline') return 'offline';
  if (device.state === 'faulted' || device.state === 'unavailable') return 'fault';
  if (occupiedBy === 'RESERVED') return 'reserved';
  if (occupiedBy !== undefined || device.state === 'charging') return 'charging';
  if (device.state === 'plugged') return 'occupied';
  return 'idle';
}
