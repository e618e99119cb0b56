import fc from 'fast-check';
import type { z } from 'zod';
import { ackMessage, eventMessage, heartbeatMessage, parseUplink, statusMessage, telemetryMessage, uplinkSchemas } from './messages';
import type { UplinkKind } from './topics';

const T0 = Date.parse('2026-03-02T10:00:00+08:00');
const envelope = { v: 1, msgId: 'm-1', ts: T0 };

/** The schemas as written, beside one valid message of each kind to mutate. */
const sources: Record<UplinkKind, { schema: z.ZodType; valid: Record<string, unknown>[] }> = {
  status: { schema: statusMessage, valid: [{ ...envelope, state: 'charging', connectedAt: T0, sessionId: 's-1', energyRegisterWh: 10 }] },
  heartbeat: { schema: heartbeatMessage, valid: [envelope] },
  telemetry: {
    schema: telemetryMessage,
    valid: [{ ...envelope, sessionId: 's-1', voltageV: 229.6, currentA: 31.8, powerW: 7300, energyRegisterWh: 1_234_567, socPercent: 54, temperatureC: 31.5 }],
  },
  event: {
    schema: eventMessage,
    valid: [
      { ...envelope, event: 'sessionStarted', sessionId: 's-1', meterStartWh: 0 },
      { ...envelope, event: 'sessionStopped', sessionId: 's-1', meterStopWh: 12_000, reason: 'ev_full' },
      { ...envelope, event: 'fault', code: 'E12', message: 'over temperature', meterWh: 5 },
    ],
  },
  ack: { schema: ackMessage, valid: [{ ...envelope, commandId: 'c-1', sessionId: 's-1', nonce: 'n'.repeat(32), accepted: false, reason: 'busy' }] },
};

/** Values at and past the schemas' edges: wrong types, non-integers, out of range, too long, missing. */
const edgeValue = fc.oneof(
  fc.constantFrom(undefined, null, true, '', 'x'.repeat(64), 'x'.repeat(65), -0, -1, 0, 1, 1.5, 100, 101, 2000, 2000.5, 1_000_001, 2 ** 53, NaN, Infinity, -Infinity),
  fc.constantFrom('sessionStarted', 'sessionStopped', 'fault', 'charging', 'remote', 'unknown'),
  fc.anything({ maxDepth: 2 }),
);

const mutated = (kind: UplinkKind) =>
  fc.constantFrom(...sources[kind].valid).chain((valid) =>
    fc
      .array(fc.tuple(fc.constantFrom(...Object.keys(valid), 'event', 'extra'), edgeValue), { minLength: 0, maxLength: 3 })
      .map((changes) => ({ ...valid, ...Object.fromEntries(changes) })),
  );

describe('the compiled uplink schemas', () => {
  it.each(Object.keys(sources) as UplinkKind[])('accept and return exactly what the %s schema as written does', (kind) => {
    fc.assert(
      fc.property(mutated(kind), (message) => {
        const compiled = uplinkSchemas[kind].safeParse(message);
        const written = sources[kind].schema.safeParse(message);
        expect(compiled.success).toBe(written.success);
        if (written.success) expect(compiled.data).toEqual(written.data);
        else expect(compiled.error?.issues).toEqual(written.error.issues);
      }),
      { numRuns: 500 },
    );
  });

  it('reject a telemetry sample with a fractional power, naming the field', () => {
    const payload = JSON.stringify({ ...sources.telemetry.valid[0], powerW: 7300.5 });
    expect(parseUplink('telemetry', payload)).toEqual({ ok: false, error: expect.stringMatching(/^powerW: /) });
  });
});
