export { FAST_PILE_POWER_W, fleetPileSpecs, PileFleet, simulatedPileId, SLOW_PILE_POWER_W } from './fleet';
export type { FleetPileSpec, PileFleetOptions } from './fleet';
export { PileTicker } from './pile-ticker';
export { PILE_DEFAULTS, SimulatedPile } from './simulated-pile';
export type { PileBehaviour, SimulatedPileOptions } from './simulated-pile';
export { startSimulator } from './start-simulator';
