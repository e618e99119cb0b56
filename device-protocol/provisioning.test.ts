import { newCommandNonce, signCommand, verifyCommand } from './commands';
import { authenticateMqtt } from './mqtt-accounts';
import { pileProvisioning } from './provisioning';
import { pileTopics } from './topics';

const masterKey = 'a-master-key-of-at-least-thirty-two-characters';

describe('a pile commissioned from its provisioning', () => {
  const provisioning = pileProvisioning(masterKey, 'station-7-p02', pileTopics('acme'));

  it('connects to the broker as itself', () => {
    const { username, password, clientId } = provisioning.mqtt;
    expect(authenticateMqtt(masterKey, { username, password: Buffer.from(password), clientId })).toEqual({ role: 'pile', pileId: 'station-7-p02' });
  });

  it('verifies the commands the platform signs for it', () => {
    const now = Date.parse('2026-03-02T10:00:00Z');
    const token = signCommand({ commandId: 'c-1', pileId: 'station-7-p02', type: 'stop', ttlSeconds: 60, nonce: newCommandNonce() }, provisioning.commandSecret, now);
    expect(verifyCommand(token, 'station-7-p02', provisioning.commandSecret, now).ok).toBe(true);
  });

  it('speaks on the topics of its deployment', () => {
    expect(provisioning.mqtt).toMatchObject({ uplinkTopics: 'acme/v1/piles/station-7-p02/+', commandTopic: 'acme/v1/piles/station-7-p02/command' });
  });

  it('has nothing in common with another master key', () => {
    const other = pileProvisioning('another-master-key-of-thirty-two-characters', 'station-7-p02', pileTopics('acme'));
    expect([other.mqtt.password, other.commandSecret]).not.toContain(provisioning.mqtt.password);
    expect(other.commandSecret).not.toBe(provisioning.commandSecret);
  });
});
