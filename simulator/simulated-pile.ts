import { randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { connectAsync, type IClientOptions, type MqttClient } from 'mqtt';
import pino from 'pino';
import { z } from 'zod';
import type { Logger } from '../infra/logger';
import { type CommandClaims, verifyCommand } from '../device-protocol/commands';
import { validateCommandParams } from '../domain/pile-command';
import { ackMessage, type PileState, type StopReason, type UplinkMessages } from '../device-protocol/messages';
import { COMMAND_QOS, PILE_ID_PATTERN, type PileTopics, UPLINK_QOS, type UplinkKind } from '../device-protocol/topics';
import { chargeStep, electricalReadings, MAX_PILE_POWER_W, socPercentOf, storedWhAt } from './charging-curve';
import { PileTicker, tickPeriodFor } from './pile-ticker';

export type PileBehaviour = 'normal' | 'refuse-start' | 'ignore-commands';

export interface SimulatedPileOptions {
  pileId: string;
  pileSecret: string;
  /** The pile's own MQTT password (username and client id are the pile id), derived like its command secret. */
  mqttPassword: string;
  mqttUrl: string;
  /** For mqtts://: the CA certificate (PEM) the pile verifies the broker's certificate with; unset: the system's CAs. */
  mqttCa?: Buffer;
  topics: PileTopics;
  maxPowerW: number;
  telemetryIntervalMs?: number;
  heartbeatIntervalMs?: number;
  /** How long the car stays plugged in after a session stops before the connector is free again. */
  unplugDelayMs?: number;
  batteryCapacityWh?: number;
  /** State of charge of each car that starts a session. */
  initialSocPercent?: number;
  energyRegisterWh?: number;
  clock?: () => number;
  logger?: Logger;
  /** A fleet shares one ticker among all its piles; a pile on its own makes its own. */
  ticker?: PileTicker;
  /** Told of every command whose signature the pile accepted, with the pile-clock time it arrived (benchmarks time the platform by it). */
  onVerifiedCommand?: (claims: CommandClaims, arrivedAt: number) => void;
}

export const PILE_DEFAULTS = {
  telemetryIntervalMs: 1000,
  heartbeatIntervalMs: 30_000,
  unplugDelayMs: 2000,
  batteryCapacityWh: 60_000,
  initialSocPercent: 30,
  energyRegisterWh: 100_000,
} as const;

type Envelope = 'v' | 'msgId' | 'ts';
/** A message without its envelope, distributed over unions so each event keeps its own fields. */
type Body<K extends UplinkKind> = UplinkMessages[K] extends infer M ? (M extends unknown ? Omit<M, Envelope> : never) : never;
type Outcome = { accepted: true } | { accepted: false; reason: string };
type Acknowledge = (outcome: Outcome) => void;

const ACCEPTED: Outcome = { accepted: true };
const refused = (reason: string): Outcome => ({ accepted: false, reason });
const quiet = pino({ level: 'silent' });

/** The ids an ack echoes, readable before the signature is checked so that a rejection can be acknowledged too. */
const commandIdentity = z.object({ jti: ackMessage.shape.commandId, sessionId: ackMessage.shape.sessionId, nonce: ackMessage.shape.nonce });

function readCommandIdentity(token: string): { commandId: string; sessionId?: string; nonce?: string } | undefined {
  const parsed = commandIdentity.safeParse(jwt.decode(token));
  if (!parsed.success) return undefined;
  const { jti, sessionId, nonce } = parsed.data;
  return { commandId: jti, ...(sessionId === undefined ? {} : { sessionId }), ...(nonce === undefined ? {} : { nonce }) };
}

function isPileMaxPower(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1000 && value <= MAX_PILE_POWER_W;
}

/** One simulated charging pile speaking protocol v1 over its own MQTT connection. */
export class SimulatedPile {
  readonly pileId: string;
  behaviour: PileBehaviour = 'normal';

  private readonly settings: Required<Omit<SimulatedPileOptions, 'pileId' | 'ticker' | 'logger' | 'energyRegisterWh' | 'maxPowerW' | 'topics' | 'mqttCa' | 'onVerifiedCommand'>> & { mqttCa?: Buffer };
  private readonly logger: Logger;
  private readonly ticker: PileTicker;
  private readonly topics: PileTopics;
  private readonly onVerifiedCommand?: (claims: CommandClaims, arrivedAt: number) => void;
  private client?: MqttClient;
  private silent = false;
  private currentState: PileState = 'idle';
  private faultCode?: string;
  /** When the current MQTT connection was made; stamped on its will and on every status it sends. */
  private connectedAt = 0;
  private activeSessionId?: string;
  private maxPowerW: number;
  private registerWh: number;
  private storedWh: number;
  private carryWattMs = 0;
  private lastSampleAt = 0;
  private nextTelemetryAt = 0;
  private nextHeartbeatAt = 0;
  private unplugAt?: number;
  /** What the pile's screen shows, as configured by the platform. */
  private readonly shown: { qrContent?: string; priceFenPerKwh?: number } = {};
  /** Acks of verified commands by command id, kept until the command expires, so a replay gets the same answer. */
  private acks?: Map<string, { ack: Body<'ack'>; expiresAt: number }>;

  constructor(options: SimulatedPileOptions) {
    if (!PILE_ID_PATTERN.test(options.pileId)) throw new Error(`invalid pile id "${options.pileId}"`);
    this.pileId = options.pileId;
    this.settings = {
      pileSecret: options.pileSecret,
      mqttPassword: options.mqttPassword,
      mqttUrl: options.mqttUrl,
      mqttCa: options.mqttCa,
      telemetryIntervalMs: options.telemetryIntervalMs ?? PILE_DEFAULTS.telemetryIntervalMs,
      heartbeatIntervalMs: options.heartbeatIntervalMs ?? PILE_DEFAULTS.heartbeatIntervalMs,
      unplugDelayMs: options.unplugDelayMs ?? PILE_DEFAULTS.unplugDelayMs,
      batteryCapacityWh: options.batteryCapacityWh ?? PILE_DEFAULTS.batteryCapacityWh,
      initialSocPercent: options.initialSocPercent ?? PILE_DEFAULTS.initialSocPercent,
      clock: options.clock ?? Date.now,
    };
    this.topics = options.topics;
    this.onVerifiedCommand = options.onVerifiedCommand;
    this.logger = options.logger ?? quiet;
    this.ticker = options.ticker ?? new PileTicker(tickPeriodFor(this.settings.telemetryIntervalMs));
    this.maxPowerW = options.maxPowerW;
    this.registerWh = options.energyRegisterWh ?? PILE_DEFAULTS.energyRegisterWh;
    this.storedWh = storedWhAt(this.settings.initialSocPercent, this.settings.batteryCapacityWh);
  }

  get state(): PileState {
    return this.currentState;
  }

  get sessionId(): string | undefined {
    return this.activeSessionId;
  }

  /** The power cap the pile charges at most with (configure `maxPowerW`). */
  get ratedPowerW(): number {
    return this.maxPowerW;
  }

  get heartbeatIntervalMs(): number {
    return this.settings.heartbeatIntervalMs;
  }

  /** What the pile's display shows: its QR code's content and the price per kWh (configure sets both). */
  get display(): { qrContent?: string; priceFenPerKwh?: number } {
    return { ...this.shown };
  }

  get energyRegisterWh(): number {
    return this.registerWh;
  }

  get socPercent(): number {
    return socPercentOf(this.storedWh, this.settings.batteryCapacityWh);
  }

  async connect(): Promise<void> {
    if (this.client) return;
    const options: IClientOptions = {
      protocolVersion: 4,
      clientId: this.pileId,
      username: this.pileId,
      password: this.settings.mqttPassword,
      clean: true,
      will: this.lastWill(),
      // A pile talks only to the real broker: its certificate is verified (rejectUnauthorized is Node's default).
      ...(this.settings.mqttCa ? { ca: this.settings.mqttCa } : {}),
    };
    const client = await connectAsync(this.settings.mqttUrl, options, false);
    this.client = client;
    // A will's msgId must be new on every connection, or the gateway would drop a second will as a duplicate.
    client.on('reconnect', () => (client.options.will = this.lastWill()));
    client.on('connect', () => this.announce());
    client.on('message', (_topic, payload) => this.onCommand(payload.toString()));
    client.on('error', (error) => this.logger.warn({ pileId: this.pileId, err: error }, 'pile connection error'));
    await client.subscribeAsync(this.topics.command(this.pileId), { qos: COMMAND_QOS });
    this.announce();
    this.ticker.add(this);
  }

  /** Ends the connection cleanly, saying offline itself (the broker discards the will on a clean disconnect). */
  async disconnect(): Promise<void> {
    const { client } = this;
    if (!client) return;
    this.send('status', { state: 'offline', connectedAt: this.connectedAt });
    this.detach();
    await client.endAsync();
  }

  /** Destroys the socket without a DISCONNECT, as a power cut would, so the broker publishes the will. */
  async dropConnection(): Promise<void> {
    const { client } = this;
    if (!client) return;
    this.detach();
    await client.endAsync(true);
  }

  tick(): void {
    const now = this.settings.clock();
    if (this.activeSessionId !== undefined && now >= this.nextTelemetryAt) this.sampleTelemetry(now);
    if (this.unplugAt !== undefined && now >= this.unplugAt) this.setState('idle');
    if (now >= this.nextHeartbeatAt) this.heartbeat(now);
  }

  fault(code: string): void {
    const sessionId = this.activeSessionId;
    if (sessionId !== undefined) {
      this.accrue(this.settings.clock());
      this.activeSessionId = undefined;
    }
    this.faultCode = code;
    this.send('event', { event: 'fault', code, ...(sessionId === undefined ? {} : { sessionId }), meterWh: this.registerWh });
    this.setState('faulted');
  }

  clearFault(): void {
    if (this.currentState !== 'faulted') return;
    this.faultCode = undefined;
    this.setState('idle');
  }

  /** The driver pulls the plug: ends a running session, or frees a connector still held after one. */
  unplug(): void {
    if (this.activeSessionId !== undefined) this.endSession('unplugged', 'idle');
    else if (this.currentState === 'plugged') this.setState('idle');
  }

  /** Stops publishing anything while staying connected, like a pile whose uplink has hung. */
  goSilent(): void {
    this.silent = true;
  }

  resume(): void {
    this.silent = false;
  }

  private detach(): void {
    this.ticker.remove(this);
    this.client = undefined;
  }

  /** Each connection gets a fresh will stamped with its own connection time (and a new msgId). */
  private lastWill(): NonNullable<IClientOptions['will']> {
    this.connectedAt = this.settings.clock();
    const will = { ...this.envelope<'status'>({ state: 'offline', connectedAt: this.connectedAt }), ts: this.connectedAt };
    return { topic: this.topics.uplink(this.pileId, 'status'), payload: JSON.stringify(will), qos: 1, retain: true };
  }

  private announce(): void {
    if (this.activeSessionId !== undefined) this.accrue(this.settings.clock());
    this.send('status', this.statusBody());
    this.heartbeat(this.settings.clock());
  }

  private heartbeat(now: number): void {
    this.send('heartbeat', {});
    this.nextHeartbeatAt = now + this.settings.heartbeatIntervalMs;
  }

  private onCommand(token: string): void {
    if (this.behaviour === 'ignore-commands') return;
    const identity = readCommandIdentity(token);
    if (!identity) {
      this.logger.warn({ pileId: this.pileId }, 'dropped a command without a readable command id');
      return;
    }
    const now = this.settings.clock();
    // Answered before the signature is checked, so a forged copy of a known command id cannot contradict its ack.
    const remembered = this.acks?.get(identity.commandId);
    if (remembered && remembered.expiresAt > now) {
      this.send('ack', remembered.ack);
      return;
    }
    const verdict = verifyCommand(token, this.pileId, this.settings.pileSecret, now);
    if (!verdict.ok) {
      this.send('ack', { ...identity, accepted: false, reason: verdict.reason });
      return;
    }
    const { claims } = verdict;
    this.onVerifiedCommand?.(claims, now);
    this.obey(claims, now, (outcome) => {
      const ack = { ...identity, ...outcome };
      this.remember(ack, claims.exp * 1000, now);
      this.send('ack', ack);
    });
  }

  private remember(ack: Body<'ack'>, expiresAt: number, now: number): void {
    this.acks ??= new Map();
    for (const [commandId, entry] of this.acks) if (entry.expiresAt <= now) this.acks.delete(commandId);
    this.acks.set(ack.commandId, { ack, expiresAt });
  }

  /** Each command acknowledges first, then acts, so the platform hears the ack before its effects. */
  private obey(claims: CommandClaims, now: number, acknowledge: Acknowledge): void {
    switch (claims.cmd) {
      case 'start':
        return this.start(claims.sessionId, now, acknowledge);
      case 'stop':
        acknowledge(ACCEPTED);
        if (claims.sessionId === undefined || claims.sessionId === this.activeSessionId) this.endSession('remote', 'plugged');
        return;
      case 'configure':
        return this.configure(claims.params, now, acknowledge);
      case 'reset':
        acknowledge(ACCEPTED);
        return this.clearFault();
      case 'unlock':
        return this.unlock(claims.params, acknowledge);
      default:
        // OCPP-only commands (getConfig, setProfile, …): the platform never sends them to an MQTT pile.
        return acknowledge(refused('unsupported'));
    }
  }

  private start(sessionId: string | undefined, now: number, acknowledge: Acknowledge): void {
    if (this.behaviour === 'refuse-start') return acknowledge(refused('refused'));
    if (sessionId === undefined) return acknowledge(refused('missing_session'));
    if (this.currentState === 'faulted') return acknowledge(refused('faulted'));
    if (this.activeSessionId !== undefined && this.activeSessionId !== sessionId) return acknowledge(refused('busy'));
    acknowledge(ACCEPTED);
    if (this.activeSessionId === sessionId) return;
    this.activeSessionId = sessionId;
    this.storedWh = storedWhAt(this.settings.initialSocPercent, this.settings.batteryCapacityWh);
    this.carryWattMs = 0;
    this.lastSampleAt = now;
    this.nextTelemetryAt = now + this.settings.telemetryIntervalMs;
    this.setState('charging');
    this.send('event', { event: 'sessionStarted', sessionId, meterStartWh: this.registerWh });
  }

  /**
   * Applies what the platform may configure (domain/pile-command.ts validates it, as firmware would): the power cap
   * (the next telemetry shows it), the heartbeat interval (the next heartbeat comes on the new interval), the QR
   * code's content and the price on the display (shown by `display`).
   */
  private configure(params: CommandClaims['params'], now: number, acknowledge: Acknowledge): void {
    const verdict = validateCommandParams('configure', params);
    const maxPowerW = params?.maxPowerW;
    if (!verdict.ok || (maxPowerW !== undefined && !isPileMaxPower(maxPowerW))) return acknowledge(refused('invalid_params'));
    acknowledge(ACCEPTED);
    const { heartbeatIntervalS, qrContent, displayPriceFenPerKwh } = verdict.params;
    if (typeof maxPowerW === 'number') {
      // Energy so far was drawn at the old power.
      if (this.activeSessionId !== undefined) this.accrue(now);
      this.maxPowerW = maxPowerW;
    }
    if (typeof heartbeatIntervalS === 'number') {
      this.settings.heartbeatIntervalMs = heartbeatIntervalS * 1000;
      this.nextHeartbeatAt = Math.min(this.nextHeartbeatAt, now + this.settings.heartbeatIntervalMs);
    }
    if (typeof qrContent === 'string') this.shown.qrContent = qrContent;
    if (typeof displayPriceFenPerKwh === 'number') this.shown.priceFenPerKwh = displayPriceFenPerKwh;
  }

  /** Releases the connector's lock: a car left plugged in after a session can be unplugged, which frees the pile. */
  private unlock(params: CommandClaims['params'], acknowledge: Acknowledge): void {
    const verdict = validateCommandParams('unlock', params);
    if (!verdict.ok) return acknowledge(refused('invalid_params'));
    // One connector per simulated pile.
    if (verdict.params.connectorId !== 1) return acknowledge(refused('unknown_connector'));
    if (this.activeSessionId !== undefined) return acknowledge(refused('busy'));
    acknowledge(ACCEPTED);
    if (this.currentState === 'plugged') this.setState('idle');
  }

  private endSession(reason: StopReason, then: 'plugged' | 'idle'): void {
    const sessionId = this.activeSessionId;
    if (sessionId === undefined) return;
    this.accrue(this.settings.clock());
    this.activeSessionId = undefined;
    this.send('event', { event: 'sessionStopped', sessionId, meterStopWh: this.registerWh, reason });
    this.setState(then);
  }

  private sampleTelemetry(now: number): void {
    const powerW = this.accrue(now);
    const socPercent = this.socPercent;
    this.send('telemetry', {
      sessionId: this.activeSessionId,
      ...electricalReadings(powerW, this.maxPowerW, socPercent),
      powerW,
      energyRegisterWh: this.registerWh,
      socPercent,
    });
    this.nextTelemetryAt += this.settings.telemetryIntervalMs;
    // After a stall, skip the missed samples rather than publish them in a burst.
    if (this.nextTelemetryAt <= now) this.nextTelemetryAt = now + this.settings.telemetryIntervalMs;
    if (socPercent === 100) this.endSession('ev_full', 'plugged');
  }

  /** Adds the energy drawn since the last sample to the car and the register; returns the power drawn. */
  private accrue(now: number): number {
    const step = chargeStep({
      storedWh: this.storedWh,
      capacityWh: this.settings.batteryCapacityWh,
      maxPowerW: this.maxPowerW,
      elapsedMs: now - this.lastSampleAt,
      carryWattMs: this.carryWattMs,
    });
    this.storedWh = step.storedWh;
    this.carryWattMs = step.carryWattMs;
    this.registerWh += step.deliveredWh;
    this.lastSampleAt = now;
    return step.powerW;
  }

  private setState(state: PileState): void {
    this.currentState = state;
    // A car left plugged in after a session is driven away after a while, which frees the connector.
    this.unplugAt = state === 'plugged' ? this.settings.clock() + this.settings.unplugDelayMs : undefined;
    this.send('status', this.statusBody());
  }

  /** Every status carries the meter, and the session being metered: a reconnecting pile tells what it kept doing. */
  private statusBody(): Body<'status'> {
    const body: Body<'status'> = { state: this.currentState, connectedAt: this.connectedAt, energyRegisterWh: this.registerWh };
    if (this.activeSessionId !== undefined) body.sessionId = this.activeSessionId;
    if (this.faultCode !== undefined) body.faultCode = this.faultCode;
    return body;
  }

  private envelope<K extends UplinkKind>(body: Body<K>): Pick<UplinkMessages[K], Envelope> & Body<K> {
    return { v: 1, msgId: randomUUID(), ts: this.settings.clock(), ...body };
  }

  /**
   * Publishes without waiting: messages of one connection reach the broker in the order they are sent, and
   * state changes stay synchronous, so a command arriving meanwhile always sees the state its predecessor left.
   */
  private send<K extends UplinkKind>(kind: K, body: Body<K>): void {
    const qos = UPLINK_QOS[kind];
    // QoS 0 messages of an outage are simply lost, as their QoS allows; QoS 1 ones wait in the client's store.
    if (this.silent || !this.client || (qos === 0 && !this.client.connected)) return;
    const payload = JSON.stringify(this.envelope<K>(body));
    this.client
      .publishAsync(this.topics.uplink(this.pileId, kind), payload, { qos, retain: kind === 'status' })
      .catch((error: unknown) => this.logger.warn({ pileId: this.pileId, kind, err: error }, 'pile could not publish'));
  }
}
