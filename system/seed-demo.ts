import { fleetPileSpecs } from '../simulator/fleet';
import type { Tariff } from '../domain/tariff';
import { tariffSchema } from '../domain/tariff-schema';
import { fragments } from '../infra/config';
import type { Database } from '../db/database';
import { FleetCatalogue } from '../db/fleet-catalogue';
import { runDatabaseScript } from '../db/script';

/** A Shanghai-style commercial time-of-use tariff: electricity by band plus a flat service fee, idle fee after 30 min. */
export const DEMO_TARIFF: Tariff = tariffSchema.parse({
  id: 'demo-tou',
  name: 'Demo time-of-use',
  utcOffsetMinutes: 480,
  bands: [
    { name: 'valley', from: '00:00', to: '08:00', electricityFenPerKwh: 32, serviceFenPerKwh: 60 },
    { name: 'flat', from: '08:00', to: '10:00', electricityFenPerKwh: 68, serviceFenPerKwh: 80 },
    { name: 'peak', from: '10:00', to: '15:00', electricityFenPerKwh: 112, serviceFenPerKwh: 80 },
    { name: 'flat', from: '15:00', to: '18:00', electricityFenPerKwh: 68, serviceFenPerKwh: 80 },
    { name: 'peak', from: '18:00', to: '21:00', electricityFenPerKwh: 112, serviceFenPerKwh: 80 },
    { name: 'flat', from: '21:00', to: '24:00', electricityFenPerKwh: 68, serviceFenPerKwh: 80 },
  ],
  idleFeeFenPerMinute: 50,
  idleGraceMinutes: 30,
});

/** The demo station with the simulator's piles (ids and powers match the simulated fleet). Idempotent. */
export async function seedDemo(db: Database, options: { stationId: string; pileCount: number }): Promise<void> {
  const catalogue = new FleetCatalogue(db);
  await db.transaction(async (transaction) => {
    await catalogue.addTariff(DEMO_TARIFF, { transaction });
    await catalogue.addStations(
      [
        {
          id: options.stationId,
          name: 'Demo Station · Zhangjiang Hi-Tech Park',
          address: '88 Keyuan Road, Pudong, Shanghai',
          lat: 31.2035,
          lng: 121.5914,
          openingHours: '00:00-24:00',
          tariffId: DEMO_TARIFF.id,
        },
      ],
      { transaction },
    );
    const piles = fleetPileSpecs(options.stationId, options.pileCount).map((spec) => ({
      id: spec.pileId,
      code: spec.pileId,
      stationId: options.stationId,
      type: spec.type,
      maxPowerW: spec.maxPowerW,
      connectorType: 'GB/T',
    }));
    await catalogue.addPiles(piles, { transaction });
  });
}

if (require.main === module) {
  runDatabaseScript(fragments.simulator, async (db, env) => {
    await seedDemo(db, { stationId: env.SIM_STATION_ID, pileCount: env.SIM_PILES });
    return `seeded ${env.SIM_STATION_ID} with ${env.SIM_PILES} piles`;
  });
}
