import { commandOutcomeOfSession, resendSchedule, validateCommandParams } from './pile-command';

describe('command params', () => {
  it.each([
    ['configure with every setting', 'configure', { maxPowerW: 60_000, heartbeatIntervalS: 30, qrContent: 'https://x.test/p/1', displayPriceFenPerKwh: 150 }],
    ['unlock of connector 1', 'unlock', { connectorId: 1 }],
    ['reset without params', 'reset', undefined],
  ] as const)('accepts %s', (_case, type, params) => {
    expect(validateCommandParams(type, params)).toEqual({ ok: true, params: params ?? {} });
  });

  it.each([
    ['an empty configure', 'configure', {}, 'params'],
    ['a power above any pile', 'configure', { maxPowerW: 5_000_000 }, 'params.maxPowerW'],
    ['a fractional power', 'configure', { maxPowerW: 1500.5 }, 'params.maxPowerW'],
    ['a heartbeat of a second', 'configure', { heartbeatIntervalS: 1 }, 'params.heartbeatIntervalS'],
    ['an empty QR content', 'configure', { qrContent: '' }, 'params.qrContent'],
    ['a negative price', 'configure', { displayPriceFenPerKwh: -1 }, 'params.displayPriceFenPerKwh'],
    ['an unknown key', 'configure', { maxPowerKw: 60 }, 'params.maxPowerKw'],
    ['unlock without a connector', 'unlock', {}, 'params.connectorId'],
    ['unlock of connector 0', 'unlock', { connectorId: 0 }, 'params.connectorId'],
    ['params on a reset', 'reset', { hard: true }, 'params.hard'],
  ] as const)('refuses %s, naming the field', (_case, type, params, field) => {
    const verdict = validateCommandParams(type, params);
    expect(verdict).toMatchObject({ ok: false, field });
  });
});

describe('resend schedule', () => {
  it.each([
    [60_000, [5_000, 15_000, 35_000, 55_000]],
    [5_000, []],
    [16_000, [5_000, 15_000]],
  ])('for a TTL of %i ms resends at %j', (ttlMs, expected) => {
    expect(resendSchedule(ttlMs, { initialMs: 5_000, maxMs: 20_000 })).toEqual(expected);
  });
});

describe('a start or stop follows its session', () => {
  it.each([
    ['start', { status: 'AUTHORIZING', started: false }, undefined],
    ['start', { status: 'STARTING', started: false }, undefined],
    ['start', { status: 'CHARGING', started: true }, 'accepted'],
    ['start', { status: 'COMPLETED', endReason: 'TARGET_SOC_REACHED', started: true }, 'accepted'],
    ['start', { status: 'START_FAILED', endReason: 'START_REFUSED', started: false }, 'rejected'],
    ['start', { status: 'DECLINED', endReason: 'INSUFFICIENT_BALANCE', started: false }, 'rejected'],
    ['start', { status: 'START_FAILED', endReason: 'START_NOT_ACKNOWLEDGED', started: false }, 'failed'],
    ['stop', { status: 'CHARGING', started: true }, undefined],
    ['stop', { status: 'STOPPING', started: true }, undefined],
    ['stop', { status: 'SETTLING', endReason: 'STAFF_STOPPED', started: true }, 'accepted'],
    ['stop', { status: 'COMPLETED', endReason: 'STAFF_STOPPED', started: true }, 'accepted'],
  ] as const)('%s with a session %j → %s', (type, session, expected) => {
    expect(commandOutcomeOfSession(type, session)?.state).toBe(expected);
  });
});
