import { ocppAnswerOf } from './commands';

describe('a charger’s answer as the command’s outcome', () => {
  it.each([
    ['Reset', { status: 'Accepted' }, { accepted: true }],
    ['UnlockConnector', { status: 'Unlocked' }, { accepted: true }],
    ['UnlockConnector', { status: 'UnlockFailed' }, { accepted: false, reason: 'UnlockConnector: UnlockFailed' }],
    ['ChangeConfiguration', { status: 'RebootRequired' }, { accepted: true, result: 'ChangeConfiguration: RebootRequired' }],
    ['ChangeConfiguration', { status: 'NotSupported' }, { accepted: false, reason: 'ChangeConfiguration: NotSupported' }],
    ['ChangeAvailability', { status: 'Scheduled' }, { accepted: true, result: 'ChangeAvailability: Scheduled' }],
    ['TriggerMessage', { status: 'NotImplemented' }, { accepted: false, reason: 'TriggerMessage: NotImplemented' }],
    ['ClearChargingProfile', { status: 'Unknown' }, { accepted: false, reason: 'ClearChargingProfile: Unknown' }],
    ['SetChargingProfile', {}, { accepted: false, reason: 'SetChargingProfile: no status' }],
    ['GetConfiguration', {}, { accepted: true, result: 'no configuration keys' }],
    [
      'GetConfiguration',
      { configurationKey: [{ key: 'HeartbeatInterval', readonly: false, value: '60' }, { key: 'ChargePointId', readonly: true }], unknownKey: ['Nope'] },
      { accepted: true, result: 'HeartbeatInterval=60; ChargePointId= (ro); unknown: Nope' },
    ],
  ])('%s answered %j → %j', (action, answer, outcome) => {
    expect(ocppAnswerOf(action, answer)).toEqual(outcome);
  });

  it('keeps a long configuration within the ack’s bound', () => {
    const configurationKey = Array.from({ length: 200 }, (_, i) => ({ key: `Key${i}`, readonly: false, value: 'v'.repeat(40) }));
    expect(ocppAnswerOf('GetConfiguration', { configurationKey }).result).toHaveLength(1000);
  });
});
