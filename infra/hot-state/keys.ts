/** Every Redis key and pub/sub channel the platform uses, in one place. */
export const hotKeys = {
  /** Hash written by the gateway: what the pile itself last reported. */
  pileDevice: (pileId: string) => `pile:${pileId}:device`,
  /** Hash written by session activities: which session holds the pile, and in which phase. */
  pileOccupancy: (pileId: string) => `pile:${pileId}:occupancy`,
  /** Hash per station: pileId → display status, so a station listing is one read. */
  stationPiles: (stationId: string) => `station:${stationId}:piles`,
  /** Hash: what the gateway needs to turn a pile's telemetry into a driver's live progress. */
  sessionLive: (sessionId: string) => `session:${sessionId}:live`,
  /** One-shot marker: the checkpoint of this slot was already signalled. */
  checkpointSlot: (sessionId: string, slot: number) => `session:${sessionId}:checkpoint:${slot}`,
  /** Marker while an implausible meter reading of this session was already alarmed and handed to the session. */
  implausibleMeterReported: (sessionId: string) => `session:${sessionId}:implausible-meter`,
  /** One-shot marker: this pile message was already handled (QoS 1 redelivery). */
  pileMessage: (pileId: string, msgId: string) => `pile:${pileId}:msg:${msgId}`,
  /** Geo index of stations for the nearby search. */
  stationsGeo: 'geo:stations',
  /** Lease on a gateway name (GATEWAY_CLIENT_ID): held by the one process that may use its MQTT session. */
  gatewayLease: (name: string) => `gateway:${name}:lease`,
  /** Sorted set of gateway names whose persistent MQTT session may hold pile messages, by last renewal. */
  gatewaysKnown: 'gateways:known',
  /** Sorted set of piles by last time heard from, for the offline detector. */
  pilesLastSeen: 'piles:last-seen',
  /** The OCPP connection that owns this charger (its token): the newest claim, the only one its commands go to. */
  ocppOwner: (chargerId: string) => `ocpp:${chargerId}:owner`,
};

export const channels = {
  /** Live progress and status changes of one session (to its driver's sockets). */
  session: (sessionId: string) => `live:session:${sessionId}`,
  /** Pile status changes of one station (to anyone looking at it). */
  station: (stationId: string) => `live:station:${stationId}`,
  /** API nodes → gateways: sessions someone is watching, so only those get live progress. */
  watching: 'live:watching',
  /** A gateway that (re)started asks the API nodes to announce what they watch. */
  watchingResync: 'live:watching:resync',
  /** Every pile status change of every station (staff's live fleet view). */
  fleet: 'live:fleet',
  /** Staff changed stations, piles or tariffs: cached catalogues (API nodes, gateways) reload on next read. */
  catalogueChanged: 'catalogue:changed',
  /** Platform → the OCPP central-system node holding this charger's socket: its commands (device-protocol/ocpp.ts). */
  ocppCommands: (pileId: string) => `ocpp:commands:${pileId}`,
  /** A central-system node claimed a charger for a new connection: the nodes holding an older socket of it close theirs. */
  ocppTakeovers: 'ocpp:takeovers',
};
