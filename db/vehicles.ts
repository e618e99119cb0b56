import { randomUUID } from 'node:crypto';
import { UniqueConstraintError } from 'sequelize';
import { DomainError } from '../domain/errors';
import type { Database } from './database';
import type { ConnectorType, Vehicle } from './models';

export interface VehicleInput {
  plate: string;
  model: string;
  connectorType: ConnectorType;
}

const MAX_VEHICLES = 10;

/** A driver's vehicles. Another driver's vehicle does not exist for them (NOT_FOUND). */
export class Vehicles {
  constructor(private readonly db: Database) {}

  list(userId: string): Promise<Vehicle[]> {
    return this.db.models.Vehicle.findAll({ where: { userId }, order: [['createdAt', 'ASC']] });
  }

  async add(userId: string, input: VehicleInput): Promise<Vehicle> {
    const { Vehicle } = this.db.models;
    if ((await Vehicle.count({ where: { userId } })) >= MAX_VEHICLES) {
      throw new DomainError('VALIDATION_FAILED', `at most ${MAX_VEHICLES} vehicles per driver`, { field: 'plate' });
    }
    return uniquePlate(input.plate, () => Vehicle.create({ id: randomUUID(), userId, ...input }));
  }

  async update(userId: string, id: string, patch: Partial<VehicleInput>): Promise<Vehicle> {
    const vehicle = await this.owned(userId, id);
    return uniquePlate(patch.plate ?? vehicle.plate, () => vehicle.update(patch));
  }

  async remove(userId: string, id: string): Promise<void> {
    await (await this.owned(userId, id)).destroy();
  }

  private async owned(userId: string, id: string): Promise<Vehicle> {
    const vehicle = await this.db.models.Vehicle.findOne({ where: { id, userId } });
    if (!vehicle) throw new DomainError('NOT_FOUND', `no vehicle ${id}`);
    return vehicle;
  }
}

async function uniquePlate<T>(plate: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (error instanceof UniqueConstraintError) throw new DomainError('VALIDATION_FAILED', `plate: you already have a vehicle with plate ${plate}`, { field: 'plate' });
    throw error;
  }
}
