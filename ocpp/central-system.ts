import type { AddressInfo } from 'node:net';
import { RPCServer, createRPCError } from 'ocpp-rpc';
import { OCPP_ENDPOINT_PATH, OCPP_SUBPROTOCOL, ocppPasswordMatches, parseRelayedCommand } from '../device-protocol/ocpp';
import { PILE_ID_PATTERN } from '../device-protocol/topics';
import { channels } from '../infra/hot-state/keys';
import { KeyedQueue } from '../infra/keyed-queue';
import { withLogContext } from '../infra/logger';
import { sendCommand } from './commands';
import { type ChargerConnection, type OcppContext, deliver, toEveryConnector } from './context';
import { ChargerOwnership } from './ownership';
import { OCPP_ROUTES } from './routing';
import { applyStationCap } from './station-cap';

export interface CentralSystemOptions {
  port: number;
  host: string;
  masterKey: string;
  /** A charger's calls are answered within this time, or it is told of a CALLERROR and tries again. */
  callTimeoutMs?: number;
  /** Largest WebSocket frame a charger may send (hostile input). */
  maxPayloadBytes?: number;
}

export interface RunningCentralSystem {
  /** `ws://host:port`; chargers connect to `${url}/ocpp/1.6/{chargePointId}`. */
  url: string;
  port: number;
  /** Chargers connected to this node. */
  connected(): number;
  stop(): Promise<void>;
}

/** What ocpp-rpc hands each connected charger: the calls the central system needs of it. */
interface RpcCharger {
  identity: string;
  session: ChargerConnection;
  handle(method: string, handler: (call: { params: unknown }) => Promise<unknown>): void;
  handle(handler: (call: { method: string }) => Promise<unknown>): void;
  call(method: string, params: unknown): Promise<unknown>;
  close(options?: { code?: number; reason?: string; awaitPending?: boolean; force?: boolean }): Promise<unknown>;
  on(event: 'close', listener: () => void): void;
  on(event: 'callResult', listener: (event: { outbound: boolean; method: string; result: unknown }) => void): void;
}

/**
 * The OCPP 1.6J central system (docs/ocpp.md): a WebSocket endpoint `/ocpp/1.6/{chargePointId}`, subprotocol
 * `ocpp1.6`, every message in both directions validated against the official JSON schemas (ocpp-rpc's strict mode).
 * A charger is let in only as a pile of the fleet registered for OCPP, with its own Basic-auth password. Its messages
 * are handled in arrival order; what they say reaches the session workflow, the live state and the alarms through
 * the device gateway's handlers. Commands for a charger reach whichever node holds its socket over its channel.
 */
export async function startCentralSystem(ctx: OcppContext, options: CentralSystemOptions): Promise<RunningCentralSystem> {
  const { gateway } = ctx;
  const server = new RPCServer({
    protocols: [OCPP_SUBPROTOCOL],
    strictMode: true,
    callTimeoutMs: options.callTimeoutMs ?? 30_000,
    respondWithDetailedErrors: false,
    wssOptions: { maxPayload: options.maxPayloadBytes ?? 256 * 1024 },
  });
  const perCharger = new KeyedQueue();
  /** The sockets this node holds, one per charger, each with its claim of the charger (a token, undefined if it failed). */
  const sockets = new Map<string, { client: RpcCharger; claimed: Promise<string | undefined> }>();
  const ownership = new ChargerOwnership(gateway.hot);
  const lost = (client: RpcCharger, pileId: string) => {
    gateway.logger.info({ pileId }, 'a newer connection of the charger owns it: closing this one');
    void client.close({ code: 1000, reason: 'replaced by a newer connection' }).catch(() => undefined);
  };
  // Another node (or this one) claimed a charger: an older socket of it here closes, once the store confirms it lost.
  const stopClaims = await ownership.onClaim((pileId, token) => {
    const held = sockets.get(pileId);
    if (!held) return;
    void held.claimed
      .then(async (mine) => mine !== undefined && mine !== token && !(await ownership.holds(pileId, mine)) && lost(held.client, pileId))
      .catch((err: unknown) => gateway.logger.error({ err, pileId }, 'could not check who owns the charger'));
  });

  server.auth((accept, reject, handshake) => {
    const { identity, endpoint, password, protocols } = handshake;
    const refuse = (code: number, message: string, reason: string) => {
      gateway.metrics.rejected.inc({ reason });
      gateway.logger.warn({ identity: identity.slice(0, 80), endpoint: endpoint.slice(0, 80), reason }, 'OCPP connection refused');
      reject(code, message);
    };
    if (endpoint !== OCPP_ENDPOINT_PATH) return refuse(404, 'Not found', 'ocpp_bad_endpoint');
    if (!protocols.has(OCPP_SUBPROTOCOL)) return refuse(400, 'Subprotocol ocpp1.6 required', 'ocpp_bad_subprotocol');
    if (!PILE_ID_PATTERN.test(identity) || !ocppPasswordMatches(options.masterKey, identity, password)) return refuse(401, 'Unauthorized', 'ocpp_bad_credentials');
    ctx.chargers
      .connectorsOf(identity)
      .then((connectors) => {
        if (!connectors.length) return refuse(401, 'Unauthorized', 'ocpp_unknown_charger');
        accept({ chargerId: identity, connectors, connectedAt: gateway.clock() } satisfies ChargerConnection, OCPP_SUBPROTOCOL);
      })
      .catch((err: unknown) => {
        gateway.logger.error({ err, identity }, 'could not look the charger up');
        reject(503, 'Service unavailable');
      });
  });

  server.on('client', (client: RpcCharger) => {
    const charger: ChargerConnection = client.session;
    const { chargerId } = charger;
    // One socket per charger: the newest connection owns it, on this node or across nodes (ownership.ts).
    const previous = sockets.get(chargerId);
    const claimed = ownership.claim(chargerId).catch((err: unknown) => {
      gateway.logger.error({ err, chargerId }, 'could not claim the charger: closing its connection so that it reconnects');
      void client.close({ code: 1011, reason: 'try again' }).catch(() => undefined);
      return undefined;
    });
    sockets.set(chargerId, { client, claimed });
    if (previous) lost(previous.client, chargerId);

    for (const [action, handler] of Object.entries(OCPP_ROUTES)) {
      client.handle(action, ({ params }) =>
        perCharger.run(chargerId, () => withLogContext({ chargerId }, () => (handler as (c: OcppContext, ch: ChargerConnection, p: unknown) => Promise<unknown>)(ctx, charger, params))),
      );
    }
    client.handle(async ({ method }) => {
      throw createRPCError('NotImplemented', `${String(method).slice(0, 64)} is not supported`);
    });
    // The station's power cap once the boot is answered: 'callResult' comes just before the answer is written.
    client.on('callResult', ({ outbound, method, result }) => {
      if (outbound || method !== 'BootNotification' || (result as { status?: string })?.status !== 'Accepted') return;
      setImmediate(() =>
        applyStationCap(ctx, charger, (action, params) => client.call(action, params)).catch((err: unknown) =>
          gateway.logger.error({ err, chargerId }, 'could not apply the station’s power cap'),
        ),
      );
    });

    // Commands are addressed to piles: the channel of each of the charger's connectors.
    const unsubscribes = charger.connectors.map(({ pileId }) =>
      gateway.hot.subscribe(channels.ocppCommands(pileId), (message) => {
        const command = parseRelayedCommand(message);
        if (!command || command.pileId !== pileId) return gateway.logger.warn({ pileId }, 'malformed command on the charger’s channel: dropped');
        // Not in the charger's queue: a command waits for its answer, and the charger's own calls go on meanwhile.
        // Only the connection that owns the charger sends; an older one closes instead.
        const owned = claimed.then((token) => token !== undefined && ownership.mayCommand(chargerId, token));
        owned
          .then((owner) => {
            if (owner) return sendCommand(ctx, charger, command, (action, params) => client.call(action, params));
            lost(client, chargerId);
          })
          .catch((err: unknown) => gateway.logger.error({ err, pileId, commandId: command.commandId }, 'could not send the command to the charger'));
      }),
    );

    client.on('close', () => {
      if (sockets.get(chargerId)?.client === client) sockets.delete(chargerId);
      for (const unsubscribe of unsubscribes) void unsubscribe.then((stop) => stop()).catch(() => undefined);
      // Like an MQTT pile's last will: stamped with the connection's time, so it is stale once the charger is back.
      void perCharger
        .run(chargerId, async () => {
          const token = await claimed;
          if (token !== undefined) await ownership.release(chargerId, token);
          await toEveryConnector(charger, (pile) => deliver(ctx, pile.pileId, 'status', { ts: charger.connectedAt, state: 'offline', connectedAt: charger.connectedAt }));
        })
        .catch((err: unknown) => gateway.logger.error({ err, chargerId }, 'could not record the charger offline'));
    });
    gateway.logger.info({ chargerId, connectors: charger.connectors.length }, 'OCPP charger connected');
  });

  const http = await server.listen(options.port, options.host);
  const port = (http.address() as AddressInfo).port;
  const sweeper = setInterval(() => {
    ctx.presence.sweep().catch((err) => gateway.logger.error({ err }, 'offline sweep failed'));
  }, 10_000);
  return {
    url: `ws://${options.host === '0.0.0.0' || options.host === '::' ? '127.0.0.1' : options.host}:${port}`,
    port,
    connected: () => sockets.size,
    async stop() {
      clearInterval(sweeper);
      // ocpp-rpc's server.close does not wait for its clients to close: without this, the offline records their
      // close handlers queue would meet a hot store and a database already closed.
      const closing = [...sockets.values()].map(({ client }) => client.close({ code: 1001, reason: 'central system stopping', awaitPending: false }).catch(() => undefined));
      await server.close({ code: 1001, reason: 'central system stopping', awaitPending: false, force: false });
      await Promise.all(closing);
      await perCharger.drain();
      await stopClaims();
    },
  };
}
