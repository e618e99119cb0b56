import { createHmac, timingSafeEqual } from 'node:crypto';
import { COMMAND_KIND, isUplinkKind, PILE_ID_PATTERN, type PileTopics } from './topics';

/**
 * Who may connect to the broker and what each may do (docs/device-protocol.md, "Authentication"). The
 * username says the role and the identity:
 *
 *   {pileId}              a pile: publishes only its own uplinks, reads only its own commands
 *   gateway.{name}        a gateway instance: reads every pile's uplinks, publishes nothing
 *   commands.{name}       a pile-command publisher (the worker): publishes command topics only
 *
 * A service name may contain `.`, a pile id may not, so no pile id can be a service account. Every password is
 * derived from the master key and the username, so the platform keeps no table of passwords. The embedded
 * broker applies these rules directly; ops/mosquitto/gen-auth.sh writes the same rules for Mosquitto.
 */
export const SERVICE_ROLES = ['gateway', 'commands'] as const;
export type ServiceRole = (typeof SERVICE_ROLES)[number];
export type MqttAccount = { role: 'pile'; pileId: string } | { role: ServiceRole; name: string };

export const SERVICE_NAME_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;

export interface MqttCredentials {
  username: string;
  password: string;
}

export function mqttUsername(account: MqttAccount): string {
  return account.role === 'pile' ? account.pileId : `${account.role}.${account.name}`;
}

export function parseMqttUsername(username: string): MqttAccount | undefined {
  if (PILE_ID_PATTERN.test(username)) return { role: 'pile', pileId: username };
  const dot = username.indexOf('.');
  const role = username.slice(0, dot);
  const name = username.slice(dot + 1);
  if (dot < 0 || !(SERVICE_ROLES as readonly string[]).includes(role) || !SERVICE_NAME_PATTERN.test(name)) return undefined;
  return { role: role as ServiceRole, name };
}

/** HMAC of the master key under a label of its own (`mqtt:`), so it never equals a pile's command-signing secret. */
export function deriveMqttPassword(masterKey: string, username: string): string {
  return createHmac('sha256', masterKey).update(`mqtt:${username}`).digest('base64url');
}

export function mqttCredentials(masterKey: string, account: MqttAccount): MqttCredentials {
  const username = mqttUsername(account);
  return { username, password: deriveMqttPassword(masterKey, username) };
}

/** The account a connection may use, or undefined: unknown username, wrong password, or a client id not its own. */
export function authenticateMqtt(masterKey: string, connection: { username?: string; password?: Buffer; clientId: string }): MqttAccount | undefined {
  const { username, password, clientId } = connection;
  if (username === undefined || password === undefined || clientId !== username) return undefined;
  const account = parseMqttUsername(username);
  const expected = Buffer.from(deriveMqttPassword(masterKey, username));
  if (!account || password.length !== expected.length || !timingSafeEqual(password, expected)) return undefined;
  return account;
}

export function mayPublish(account: MqttAccount, topics: PileTopics, topic: string): boolean {
  const address = topics.parse(topic);
  if (!address) return false;
  switch (account.role) {
    case 'pile':
      return address.pileId === account.pileId && address.kind !== COMMAND_KIND;
    case 'commands':
      return address.kind === COMMAND_KIND;
    case 'gateway':
      return false;
  }
}

/** What a client may read: checked on every delivered message, so no filter or retained message reaches past it. */
export function mayReceive(account: MqttAccount, topics: PileTopics, topic: string): boolean {
  const address = topics.parse(topic);
  if (!address) return false;
  switch (account.role) {
    case 'pile':
      return address.pileId === account.pileId && address.kind === COMMAND_KIND;
    case 'gateway':
      return address.kind !== COMMAND_KIND;
    case 'commands':
      return false;
  }
}

const SHARED_SUBSCRIPTION = /^\$share\/[A-Za-z0-9_-]+\//;

/**
 * A pile may subscribe to its own command topic only; a gateway to uplink topics of one kind, for one pile or
 * every pile (`+`), shared or not. No `#`, no `$SYS`, no other wildcard.
 */
export function maySubscribe(account: MqttAccount, topics: PileTopics, filter: string): boolean {
  switch (account.role) {
    case 'pile':
      return filter === topics.command(account.pileId);
    case 'gateway': {
      const plain = filter.replace(SHARED_SUBSCRIPTION, '');
      if (!plain.startsWith(`${topics.root}/`)) return false;
      const [pile, kind, ...rest] = plain.slice(topics.root.length + 1).split('/');
      return !rest.length && (pile === '+' || PILE_ID_PATTERN.test(pile)) && isUplinkKind(kind ?? '');
    }
    case 'commands':
      return false;
  }
}
