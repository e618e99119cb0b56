import { pileTopics } from './topics';

describe('pile topics', () => {
  it.each([
    ['the default prefix', undefined, 'evcp/v1/piles'],
    ['a prefix of one level', 'acme', 'acme/v1/piles'],
    ['a prefix of several levels', 'acme/prod/evcp', 'acme/prod/evcp/v1/piles'],
  ])('are built under %s', (_case, prefix, root) => {
    const topics = pileTopics(prefix);
    expect(topics.root).toBe(root);
    expect([
      topics.uplink('P-01', 'status'),
      topics.uplink('P-01', 'heartbeat'),
      topics.uplink('P-01', 'telemetry'),
      topics.uplink('P-01', 'event'),
      topics.uplink('P-01', 'ack'),
      topics.command('P-01'),
      topics.allOfPile('P-01'),
    ]).toEqual([
      `${root}/P-01/status`,
      `${root}/P-01/heartbeat`,
      `${root}/P-01/telemetry`,
      `${root}/P-01/event`,
      `${root}/P-01/ack`,
      `${root}/P-01/command`,
      `${root}/P-01/+`,
    ]);
  });

  it('keep the topics of protocol v1 unchanged by default', () => {
    expect(pileTopics().uplink('pile-7', 'telemetry')).toBe('evcp/v1/piles/pile-7/telemetry');
    expect(pileTopics().command('pile-7')).toBe('evcp/v1/piles/pile-7/command');
  });

  it('give gateways shared subscriptions to the five uplink kinds, or plain ones without a group', () => {
    const topics = pileTopics('acme');
    expect(topics.gatewaySubscriptions('evcp-gateway')).toEqual([
      '$share/evcp-gateway/acme/v1/piles/+/status',
      '$share/evcp-gateway/acme/v1/piles/+/heartbeat',
      '$share/evcp-gateway/acme/v1/piles/+/telemetry',
      '$share/evcp-gateway/acme/v1/piles/+/event',
      '$share/evcp-gateway/acme/v1/piles/+/ack',
    ]);
    expect(topics.gatewaySubscriptions('')).toEqual(['status', 'heartbeat', 'telemetry', 'event', 'ack'].map((kind) => `acme/v1/piles/+/${kind}`));
  });

  it.each([
    ['acme/v1/piles/P-01/telemetry', { pileId: 'P-01', kind: 'telemetry' }],
    ['acme/v1/piles/P-01/command', { pileId: 'P-01', kind: 'command' }],
    ['evcp/v1/piles/P-01/telemetry', undefined],
    ['acme/v1/piles/P-01/telemetry/extra', undefined],
    ['acme/v1/piles/P 01/telemetry', undefined],
    ['acme/v1/piles/+/telemetry', undefined],
    ['acme/v1/piles/P-01/reboot', undefined],
    ['acme/v1/piles//status', undefined],
  ])('parse %s', (topic, address) => {
    expect(pileTopics('acme').parse(topic)).toEqual(address);
  });

  it('never read a command topic as an uplink', () => {
    expect(pileTopics().parseUplink('evcp/v1/piles/P-01/command')).toBeUndefined();
  });

  it.each(['', 'a/', '/a', 'a//b', 'a/+', 'a/#', '$SYS', 'a b'])('refuse the prefix "%s"', (prefix) => {
    expect(() => pileTopics(prefix)).toThrow(/invalid MQTT topic prefix/);
  });
});
