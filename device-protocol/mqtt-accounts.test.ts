import { derivePileSecret } from './commands';
import { authenticateMqtt, mayPublish, mayReceive, maySubscribe, type MqttAccount, mqttCredentials, parseMqttUsername } from './mqtt-accounts';
import { pileTopics } from './topics';

const masterKey = 'mqtt-accounts-test-master-key-0123456789';
const topics = pileTopics();
const pileA: MqttAccount = { role: 'pile', pileId: 'pile-a' };
const gateway: MqttAccount = { role: 'gateway', name: 'gw-1' };
const commands: MqttAccount = { role: 'commands', name: 'worker-1' };

describe('MQTT accounts', () => {
  it.each([
    ['pile-a', pileA],
    ['gateway.gw-1', gateway],
    ['commands.worker-1', commands],
    ['gateway.evcp-gateway-host.example', { role: 'gateway', name: 'evcp-gateway-host.example' }],
    ['simulator.x', undefined],
    ['gateway.', undefined],
    ['pile a', undefined],
    ['', undefined],
  ])('read the username "%s" as its role and identity', (username, account) => {
    expect(parseMqttUsername(username)).toEqual(account);
  });

  it("derive a pile's MQTT password apart from its command-signing secret", () => {
    expect(mqttCredentials(masterKey, pileA).password).not.toBe(derivePileSecret(masterKey, 'pile-a'));
  });

  it('accept a connection whose password and client id match its username', () => {
    const { username, password } = mqttCredentials(masterKey, gateway);
    expect(authenticateMqtt(masterKey, { username, password: Buffer.from(password), clientId: username })).toEqual(gateway);
  });

  it.each([
    ['no credentials', { clientId: 'pile-a' }],
    ['a wrong password', { username: 'pile-a', password: Buffer.from('guess'), clientId: 'pile-a' }],
    ['another client id', { username: 'pile-a', password: Buffer.from(mqttCredentials(masterKey, pileA).password), clientId: 'gateway.gw-1' }],
    ['an unknown role', { username: 'admin.root', password: Buffer.from(mqttCredentials(masterKey, commands).password), clientId: 'admin.root' }],
  ])('refuse a connection with %s', (_case, connection) => {
    expect(authenticateMqtt(masterKey, connection)).toBeUndefined();
  });

  it.each([
    [pileA, 'evcp/v1/piles/pile-a/telemetry', true],
    [pileA, 'evcp/v1/piles/pile-a/status', true],
    [pileA, 'evcp/v1/piles/pile-b/telemetry', false],
    [pileA, 'evcp/v1/piles/pile-a/command', false],
    [pileA, '$SYS/broker/uptime', false],
    [commands, 'evcp/v1/piles/pile-b/command', true],
    [commands, 'evcp/v1/piles/pile-b/status', false],
    [gateway, 'evcp/v1/piles/pile-b/status', false],
    [gateway, 'evcp/v1/piles/pile-b/command', false],
  ])('let %o publish to %s: %s', (account, topic, allowed) => {
    expect(mayPublish(account, topics, topic)).toBe(allowed);
  });

  it.each([
    [pileA, 'evcp/v1/piles/pile-a/command', true],
    [pileA, 'evcp/v1/piles/pile-b/command', false],
    [pileA, 'evcp/v1/piles/+/command', false],
    [pileA, '#', false],
    [pileA, '$SYS/#', false],
    [gateway, '$share/evcp-gateway/evcp/v1/piles/+/telemetry', true],
    [gateway, 'evcp/v1/piles/+/ack', true],
    [gateway, 'evcp/v1/piles/pile-b/status', true],
    [gateway, 'evcp/v1/piles/+/command', false],
    [gateway, 'evcp/v1/piles/+/+', false],
    [gateway, 'evcp/v1/piles/#', false],
    [gateway, '#', false],
    [commands, 'evcp/v1/piles/+/ack', false],
  ])('let %o subscribe to %s: %s', (account, filter, allowed) => {
    expect(maySubscribe(account, topics, filter)).toBe(allowed);
  });

  it.each([
    [pileA, 'evcp/v1/piles/pile-a/command', true],
    [pileA, 'evcp/v1/piles/pile-b/command', false],
    [pileA, 'evcp/v1/piles/pile-b/status', false],
    [gateway, 'evcp/v1/piles/pile-b/event', true],
    [gateway, 'evcp/v1/piles/pile-b/command', false],
    [commands, 'evcp/v1/piles/pile-b/event', false],
  ])('let %o receive %s: %s', (account, topic, allowed) => {
    expect(mayReceive(account, topics, topic)).toBe(allowed);
  });
});
