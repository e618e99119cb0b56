import { aTariff } from '../test/support/builders';
import { tariffDefinitionSchema } from './tariff-schema';
import { nextTariffChangeAfter, type TariffVersion, tariffInForce, tariffOf } from './tariff-versions';

const { id: _id, ...definition } = aTariff();
const version = (n: number, effectiveFrom: number): TariffVersion => ({ version: n, effectiveFrom, definition: { ...definition, name: `v${n}` } });
const versions = [version(1, 0), version(2, 1_000), version(3, 5_000)];

describe('the tariff version in force', () => {
  it.each([
    [0, 1],
    [999, 1],
    [1_000, 2],
    [4_999, 2],
    [5_000, 3],
    [Number.MAX_SAFE_INTEGER, 3],
  ])('at %d is version %d', (atMs, expected) => {
    expect(tariffInForce(versions, atMs)?.version).toBe(expected);
  });

  it('is none before the first version takes effect', () => {
    expect(tariffInForce([version(1, 100)], 99)).toBeUndefined();
  });

  it('does not depend on the order versions are listed in', () => {
    expect(tariffInForce([...versions].reverse(), 2_000)?.version).toBe(2);
  });

  it('is the later version when two take effect at the same instant', () => {
    expect(tariffInForce([version(1, 0), version(2, 10), version(3, 10)], 10)?.version).toBe(3);
  });

  it('changes next when the earliest future version takes effect', () => {
    expect(nextTariffChangeAfter(versions, 0)).toBe(1_000);
    expect(nextTariffChangeAfter(versions, 1_000)).toBe(5_000);
    expect(nextTariffChangeAfter(versions, 5_000)).toBeUndefined();
  });

  it('is snapshotted under the tariff id with its version number', () => {
    expect(tariffOf('t-1', versions[1])).toEqual({ ...definition, name: 'v2', id: 't-1', version: 2 });
  });
});

describe('a tariff definition written by staff', () => {
  it('is accepted when its bands cover the day', () => {
    expect(tariffDefinitionSchema.safeParse(definition).success).toBe(true);
  });

  it.each([
    ['an id', { ...definition, id: 'x' }],
    ['a gap between bands', { ...definition, bands: definition.bands.slice(1) }],
    ['more than 96 bands', { ...definition, bands: Array.from({ length: 97 }, () => definition.bands[0]) }],
    ['a negative price', { ...definition, bands: definition.bands.map((b) => ({ ...b, serviceFenPerKwh: -1 })) }],
    ['a fractional price', { ...definition, bands: definition.bands.map((b) => ({ ...b, serviceFenPerKwh: 1.5 })) }],
  ])('is refused with %s', (_what, input) => {
    expect(tariffDefinitionSchema.safeParse(input).success).toBe(false);
  });
});
