import { PileFleet, type PileFleetOptions } from './fleet';

/** Connects a fleet of simulated piles and returns it running; call `stop()` on it to end. */
export async function startSimulator(options: PileFleetOptions): Promise<PileFleet> {
  const fleet = new PileFleet(options);
  try {
    await fleet.connectAll();
  } catch (error) {
    await fleet.stop();
    throw error;
  }
  options.logger?.info({ stationId: options.stationId, piles: options.count }, 'pile simulator running');
  return fleet;
}
