import type { Tariff } from './tariff';

/** A tariff as staff define it: everything but its id (the id names the tariff across its versions). */
export type TariffDefinition = Omit<Tariff, 'id' | 'version'>;

/** One version of a tariff, in force from `effectiveFrom` (epoch ms) until a later version's `effectiveFrom`. */
export interface TariffVersion {
  version: number;
  effectiveFrom: number;
  definition: TariffDefinition;
}

/**
 * The version in force at `atMs`: the one with the greatest `effectiveFrom` at or before it (the higher version
 * number when two take effect at the same instant). Undefined before the first version takes effect.
 */
export function tariffInForce<V extends TariffVersion>(versions: readonly V[], atMs: number): V | undefined {
  let found: V | undefined;
  for (const v of versions) {
    if (v.effectiveFrom > atMs) continue;
    if (!found || v.effectiveFrom > found.effectiveFrom || (v.effectiveFrom === found.effectiveFrom && v.version > found.version)) found = v;
  }
  return found;
}

/** The instant after `atMs` at which another version takes effect, if any: until then the tariff in force stays. */
export function nextTariffChangeAfter(versions: readonly TariffVersion[], atMs: number): number | undefined {
  let next: number | undefined;
  for (const v of versions) if (v.effectiveFrom > atMs && (next === undefined || v.effectiveFrom < next)) next = v.effectiveFrom;
  return next;
}

/** The tariff a session snapshots: the version's definition under the tariff's id, with its version number. */
export function tariffOf(tariffId: string, version: TariffVersion): Tariff {
  return { ...version.definition, id: tariffId, version: version.version };
}
