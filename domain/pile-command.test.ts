import { chargerShareOfCap, commandOutcomeOfSession, commandSupportedBy, resendSchedule, takesConnector, validateCommandParams } from './pile-command';

describe('command params', () => {
  it.each([
    ['configure with every setting', 'configure', { maxPowerW: 60_000, heartbeatIntervalS: 30, qrContent: 'https://x.test/p/1', displayPriceFenPerKwh: 150 }],
    ['unlock of connector 1', 'unlock', { connectorId: 1 }],
    ['reset without params', 'reset', undefined],
    ['getConfig of every key', 'getConfig', undefined],
    ['getConfig of two keys', 'getConfig', { keys: 'HeartbeatInterval,MeterValueSampleInterval' }],
    ['changeConfig of any key', 'changeConfig', { key: 'MeterValueSampleInterval', value: '30' }],
    ['a whole charger made inoperative', 'availability', { connectorId: 0, availability: 'Inoperative' }],
    ['a connector made operative', 'availability', { connectorId: 2, availability: 'Operative' }],
    ['a StatusNotification triggered for a connector', 'trigger', { message: 'StatusNotification', connectorId: 1 }],
    ['a Heartbeat triggered', 'trigger', { message: 'Heartbeat' }],
    ['a charger capped at 22 kW', 'setProfile', { purpose: 'ChargePointMaxProfile', limit: 22_000, unit: 'W' }],
    ['a default of 16 A per transaction on connector 1', 'setProfile', { purpose: 'TxDefaultProfile', limit: 16, unit: 'A', connectorId: 1, profileId: 7, stackLevel: 1 }],
    ['a clear of every profile', 'clearProfile', undefined],
    ['a clear of one purpose', 'clearProfile', { purpose: 'TxDefaultProfile', connectorId: 0 }],
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
    ['getConfig with an empty key', 'getConfig', { keys: 'HeartbeatInterval,,' }, 'params.keys'],
    ['getConfig of a key longer than OCPP allows', 'getConfig', { keys: 'K'.repeat(51) }, 'params.keys'],
    ['getConfig of 21 keys', 'getConfig', { keys: Array.from({ length: 21 }, (_, i) => `K${i}`).join(',') }, 'params.keys'],
    ['changeConfig without a value', 'changeConfig', { key: 'HeartbeatInterval' }, 'params.value'],
    ['changeConfig of a numeric value', 'changeConfig', { key: 'HeartbeatInterval', value: 30 }, 'params.value'],
    ['changeConfig of a value longer than 500', 'changeConfig', { key: 'X', value: 'v'.repeat(501) }, 'params.value'],
    ['changeConfig with a control character', 'changeConfig', { key: 'X\n', value: '1' }, 'params.key'],
    ['availability without a connector', 'availability', { availability: 'Inoperative' }, 'params.connectorId'],
    ['availability of an unknown kind', 'availability', { connectorId: 1, availability: 'Off' }, 'params.availability'],
    ['a trigger of a message OCPP cannot trigger', 'trigger', { message: 'StartTransaction' }, 'params.message'],
    ['a trigger for connector 0', 'trigger', { message: 'MeterValues', connectorId: 0 }, 'params.connectorId'],
    ['a profile of an unknown purpose', 'setProfile', { purpose: 'TxProfile', limit: 16, unit: 'A' }, 'params.purpose'],
    ['a profile without a unit', 'setProfile', { purpose: 'TxDefaultProfile', limit: 16 }, 'params.unit'],
    ['a profile without a limit', 'setProfile', { purpose: 'TxDefaultProfile', unit: 'A' }, 'params.limit'],
    ['a profile of 5,000 A', 'setProfile', { purpose: 'TxDefaultProfile', limit: 5_000, unit: 'A' }, 'params.limit'],
    ['a negative power limit', 'setProfile', { purpose: 'ChargePointMaxProfile', limit: -1, unit: 'W' }, 'params.limit'],
    ['a charger cap on one connector', 'setProfile', { purpose: 'ChargePointMaxProfile', limit: 11_000, unit: 'W', connectorId: 1 }, 'params.connectorId'],
    ['a clear of profile 0', 'clearProfile', { profileId: 0 }, 'params.profileId'],
  ] as const)('refuses %s, naming the field', (_case, type, params, field) => {
    const verdict = validateCommandParams(type, params);
    expect(verdict).toMatchObject({ ok: false, field });
  });
});

describe('which pile can carry out which command', () => {
  it.each([
    ['mqtt', 'getConfig', {}, false],
    ['mqtt', 'setProfile', { purpose: 'TxDefaultProfile', limit: 16, unit: 'A' }, false],
    ['mqtt', 'configure', { maxPowerW: 60_000 }, true],
    ['ocpp1.6', 'configure', { heartbeatIntervalS: 60 }, true],
    ['ocpp1.6', 'configure', { maxPowerW: 60_000 }, false],
    ['ocpp1.6', 'availability', { connectorId: 0, availability: 'Inoperative' }, true],
    ['ocpp1.6', 'reset', {}, true],
  ] as const)('a %s pile: %s %j → %s', (protocol, type, params, ok) => {
    expect(commandSupportedBy(protocol, type, params).ok).toBe(ok);
  });

  it('lets only commands about connectors name one', () => {
    expect(['unlock', 'availability', 'trigger', 'setProfile', 'clearProfile'].every((t) => takesConnector(t as never))).toBe(true);
    expect(['start', 'stop', 'reset', 'configure', 'getConfig', 'changeConfig'].some((t) => takesConnector(t as never))).toBe(false);
  });
});

describe('a station power cap shared between its chargers', () => {
  it.each([
    [60_000, 3, 20_000],
    [50_000, 3, 16_666],
    [22_000, 1, 22_000],
    [2_000_000, 2, 350_000],
  ])('a cap of %i W over %i charger(s) gives each %i W', (capW, chargers, each) => {
    expect(chargerShareOfCap(capW, chargers)).toBe(each);
    expect(each * chargers).toBeLessThanOrEqual(capW);
  });

  it.each([
    [999, 1],
    [10_000_001, 1],
    [1500.5, 1],
    [60_000, 0],
  ])('refuses a cap of %s W over %i charger(s)', (capW, chargers) => {
    expect(() => chargerShareOfCap(capW, chargers)).toThrow(RangeError);
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
