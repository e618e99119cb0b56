import { deriveMqttPassword } from './mqtt-accounts';
import { derivePileSecret } from './commands';
import { deriveOcppPassword, ocppIdTag, ocppPasswordMatches, parseRelayedCommand, relayCommand } from './ocpp';

const MASTER_KEY = 'k'.repeat(40);

describe('OCPP charger credentials', () => {
  it('derives a password of 32 characters, within what OCPP 1.6 chargers accept, equal to no other secret of the pile', () => {
    const password = deriveOcppPassword(MASTER_KEY, 'CP-001');
    expect(password).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(password).not.toBe(deriveMqttPassword(MASTER_KEY, 'CP-001').slice(0, 32));
    expect(password).not.toBe(derivePileSecret(MASTER_KEY, 'CP-001').slice(0, 32));
    expect(password).not.toBe(deriveOcppPassword(MASTER_KEY, 'CP-002'));
  });

  it.each([
    ['its own password', (p: string) => Buffer.from(p), true],
    ['another charger’s password', () => Buffer.from(deriveOcppPassword(MASTER_KEY, 'CP-002')), false],
    ['a password one character short', (p: string) => Buffer.from(p.slice(1)), false],
    ['no password', () => undefined, false],
  ])('lets a charger in with %s: %s', (_, password, expected) => {
    expect(ocppPasswordMatches(MASTER_KEY, 'CP-001', password(deriveOcppPassword(MASTER_KEY, 'CP-001')))).toBe(expected);
  });

  it('refuses a chargePointId that is no pile id, whatever the password', () => {
    expect(ocppPasswordMatches(MASTER_KEY, '../CP', Buffer.from(deriveOcppPassword(MASTER_KEY, '../CP')))).toBe(false);
  });

  it('names a session on the charger by an id tag of at most 20 characters, the same on every node', () => {
    const tag = ocppIdTag('2f1c3c1e-7d0e-4b7c-9a51-0f9d1f0e2a11');
    expect(tag).toHaveLength(20);
    expect(ocppIdTag('2f1c3c1e-7d0e-4b7c-9a51-0f9d1f0e2a11')).toBe(tag);
    expect(ocppIdTag('2f1c3c1e-7d0e-4b7c-9a51-0f9d1f0e2a12')).not.toBe(tag);
  });
});

describe('commands relayed to the node holding a charger', () => {
  const command = { commandId: 'c-1', pileId: 'CP-001', type: 'start' as const, sessionId: 's-1', nonce: 'n'.repeat(16), ttlSeconds: 60 };

  it('arrive as they were sent, stamped with the time they were sent', () => {
    expect(parseRelayedCommand(relayCommand(command, 1_700_000_000_000))).toEqual({ ...command, sentAt: 1_700_000_000_000 });
  });

  it.each([['not JSON', '{'], ['an unknown command type', JSON.stringify({ ...command, type: 'explode', sentAt: 1 })], ['a pile id that is no pile id', JSON.stringify({ ...command, pileId: 'a/b', sentAt: 1 })]])(
    'are dropped when %s',
    (_, message) => {
      expect(parseRelayedCommand(message)).toBeUndefined();
    },
  );
});
