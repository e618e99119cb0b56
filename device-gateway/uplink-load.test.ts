import fc from 'fast-check';
import { UPLINK_KINDS, type UplinkKind } from '../device-protocol/topics';
import { type PileQueueTail, admitUplink, isOverloaded, mayTakeMore, uplinkLoadLimits } from './uplink-load';

describe('admitting a pile message', () => {
  const table: [UplinkKind, PileQueueTail, ReturnType<typeof admitUplink>][] = [
    ['telemetry', 'waiting_telemetry', 'replace_waiting'],
    ['telemetry', 'waiting_heartbeat', 'replace_waiting'],
    ['telemetry', 'other', 'enqueue'],
    ['heartbeat', 'waiting_telemetry', 'drop'],
    ['heartbeat', 'waiting_heartbeat', 'drop'],
    ['heartbeat', 'other', 'enqueue'],
    ['event', 'waiting_telemetry', 'enqueue'],
    ['event', 'waiting_heartbeat', 'enqueue'],
    ['status', 'waiting_telemetry', 'enqueue'],
    ['ack', 'waiting_heartbeat', 'enqueue'],
    ['event', 'other', 'enqueue'],
  ];

  it.each(table)('a %s message arriving behind %s is to %s', (kind, tail, expected) => {
    expect(admitUplink(kind, tail)).toBe(expected);
  });

  it('never sheds a status, an event or an ack, whatever waits in the queue', () => {
    const kinds = UPLINK_KINDS.filter((k) => k !== 'telemetry' && k !== 'heartbeat');
    fc.assert(
      fc.property(fc.constantFrom(...kinds), fc.constantFrom<PileQueueTail>('waiting_telemetry', 'waiting_heartbeat', 'other'), (kind, tail) => admitUplink(kind, tail) === 'enqueue'),
    );
  });

  it('queues every message when nothing of its pile waits unstarted at the tail', () => {
    fc.assert(fc.property(fc.constantFrom(...UPLINK_KINDS), (kind) => admitUplink(kind, 'other') === 'enqueue'));
  });
});

describe('the overload gauge', () => {
  const limits = uplinkLoadLimits(2_000, 30_000, 1_000);

  it.each([
    [limits.overloadedAt - 1, false, false],
    [limits.overloadedAt, false, true],
    [limits.overloadedAt - 1, true, true],
    [limits.recoveredAt + 1, true, true],
    [limits.recoveredAt, true, false],
    [0, true, false],
  ])('with %i messages pending, overloaded before: %s, is overloaded: %s', (pending, before, expected) => {
    expect(isOverloaded(pending, before, limits)).toBe(expected);
  });

  it('recovers below where it turned overloaded, so it does not flap at the mark', () => {
    fc.assert(
      fc.property(fc.integer({ min: 4, max: 1_000_000 }), fc.integer({ min: 1, max: 2_000_000 }), (overloadedAt, maxPending) => {
        const l = uplinkLoadLimits(overloadedAt, maxPending, 1_000);
        return l.recoveredAt < l.overloadedAt && l.overloadedAt <= l.maxPending && isOverloaded(l.overloadedAt - 1, true, l) && !isOverloaded(l.overloadedAt - 1, false, l);
      }),
    );
  });
});

describe('reading from the broker', () => {
  const limits = uplinkLoadLimits(2_000, 30_000, 1_000);

  it.each([
    [0, true],
    [limits.maxPending - 1, true],
    [limits.maxPending, false],
    [limits.maxPending + 5, false],
  ])('with %i messages pending may take more: %s', (pending, expected) => {
    expect(mayTakeMore(pending, limits)).toBe(expected);
  });
});
