import { randomUUID } from 'node:crypto';
import Router from '@koa/router';
import QRCode from 'qrcode';
import { z } from 'zod';
import { type Author, pileResource } from '../../db/fleet-admin';
import { PILE_PROTOCOLS, PILE_TYPES } from '../../db/models';
import type { StationWithPiles } from '../../db/stations';
import { DomainError } from '../../domain/errors';
import { MAX_CONNECTORS } from '../../domain/pile-command';
import { type PileDisplayStatus, pileDisplayStatus } from '../../domain/pile-status';
import { tariffDefinitionSchema } from '../../domain/tariff-schema';
import { PILE_ID_PATTERN } from '../../device-protocol/topics';
import { type AuthUser, auditActor, currentUser, requireRole } from '../auth';
import type { ApiDeps } from '../context';
import { parseBody, parseQuery } from '../validation';

/** Ids of tariffs and stations, and pile codes: what a topic level, a URL segment and a QR link carry safely. */
const id = z.string().regex(PILE_ID_PATTERN, 'expected 1-64 letters, digits, _ or -');
const reason = z.string().trim().min(3).max(500);
const instant = z.iso.datetime({ offset: true }).transform((s) => new Date(s));

/** A tariff version may take effect now or later, not in the past: sessions already started keep what they snapshotted. */
const PAST_TOLERANCE_MS = 60_000;

const tariffCreate = z.object({ id: id.optional(), definition: tariffDefinitionSchema, effectiveFrom: instant.optional(), reason: reason.optional() }).strict();
const tariffVersion = z.object({ definition: tariffDefinitionSchema, effectiveFrom: instant, reason: reason.optional() }).strict();

const stationFields = {
  name: z.string().trim().min(1).max(200),
  address: z.string().trim().min(1).max(500),
  lat: z.number().min(-90).max(90),
  lng: z.number().min(-180).max(180),
  openingHours: z.string().trim().min(1).max(100),
  tariffId: id,
};
const stationCreate = z.object({ id: id.optional(), ...stationFields, reason: reason.optional() }).strict();
const stationPatch = z
  .object({ ...stationFields, retired: z.boolean(), reason })
  .partial()
  .strict();

const pileFields = {
  type: z.enum(PILE_TYPES),
  /** Up to a megawatt: every charger on the market, and no integer overflow in a power curve. */
  maxPowerW: z.number().int().min(1).max(1_000_000),
  connectorType: z.string().trim().min(1).max(32),
  connectorCount: z.number().int().min(1).max(8),
};
const pileCreate = z
  .object({
    code: id,
    ...pileFields,
    connectorCount: pileFields.connectorCount.default(1),
    protocol: z.enum(PILE_PROTOCOLS).default('mqtt'),
    /** An OCPP charger's connectors, each a pile of its own that runs its own sessions (ADR 0011). */
    connectors: z.number().int().min(1).max(MAX_CONNECTORS).optional(),
    reason: reason.optional(),
  })
  .strict()
  .refine((body) => body.connectors === undefined || body.protocol === 'ocpp1.6', { path: ['connectors'], message: 'only an OCPP charger has connectors of its own; an MQTT pile runs one session at a time' });
const pilePatch = z
  .object({ ...pileFields, retired: z.boolean(), reason })
  .partial()
  .strict();

const bool = z.enum(['true', 'false']).transform((v) => v === 'true');
const stationQuery = z.object({ q: z.string().trim().max(100).optional(), includeRetired: bool.default(false) });

/** What the live fleet view calls each display status (the driver's `idle` is the operator's `available`). */
const FLEET_STATUS: Record<PileDisplayStatus, string> = { idle: 'available', reserved: 'reserved', charging: 'charging', occupied: 'occupied', fault: 'faulted', offline: 'offline' };
const FLEET_STATUSES = ['available', 'reserved', 'charging', 'occupied', 'faulted', 'offline'] as const;
const fleetQuery = z.object({
  status: z.enum(FLEET_STATUSES).optional(),
  stationId: id.optional(),
  q: z.string().trim().max(100).optional(),
  /** Stations shown at most (the counts cover every station that matches). */
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});
const qrQuery = z.object({ format: z.enum(['svg', 'png']).default('svg') });

const author = (user: AuthUser): Author => ({ id: user.id, name: user.name });

/**
 * The operator console's fleet management: tariffs and their versions, stations, piles (with their credentials once
 * and their QR code), and the live fleet. Reading is for operators, support and admins; writing for operators and
 * admins, each write audited and announced to every node's cached catalogue.
 */
export function fleetAdminRoutes({ fleetAdmin, stations, live, listedStatuses, sessionRecords, audit, pileCommissioning, pileCommands }: ApiDeps): Router {
  const router = new Router({ prefix: '/api/v1/admin' });
  const read = requireRole('operator', 'support', 'admin');
  const write = requireRole('operator', 'admin');

  /** Runs a write under the audit log and tells every node's catalogue that it changed. */
  const audited = async <T>(user: AuthUser, action: string, target: string, why: string | undefined, work: () => Promise<T>): Promise<T> => {
    const result = await audit.witness(auditActor(user), { action, target, reason: why }, work);
    await stations.changed();
    return result;
  };

  // ── tariffs ─────────────────────────────────────────────────────────────────────────

  router.get('/tariffs', read, async (ctx) => {
    ctx.body = { tariffs: await fleetAdmin.listTariffs() };
  });

  router.post('/tariffs', write, async (ctx) => {
    const body = parseBody(ctx, tariffCreate);
    const user = currentUser(ctx);
    const tariffId = body.id ?? `tariff-${randomUUID()}`;
    const tariff = await audited(user, 'tariff.create', `tariff:${tariffId}`, body.reason, () =>
      fleetAdmin.createTariff(tariffId, body.definition, body.effectiveFrom ?? new Date(), author(user)),
    );
    ctx.status = 201;
    ctx.body = { tariff };
  });

  router.post('/tariffs/:id/versions', write, async (ctx) => {
    const body = parseBody(ctx, tariffVersion);
    if (body.effectiveFrom.getTime() < Date.now() - PAST_TOLERANCE_MS) {
      throw new DomainError('VALIDATION_FAILED', 'effectiveFrom: must be now or later; sessions already started keep the version they started with', { field: 'effectiveFrom' });
    }
    const user = currentUser(ctx);
    const tariff = await audited(user, 'tariff.version', `tariff:${ctx.params.id}`, body.reason, () =>
      fleetAdmin.addTariffVersion(ctx.params.id, body.definition, body.effectiveFrom, author(user)),
    );
    ctx.status = 201;
    ctx.body = { tariff };
  });

  // ── stations ────────────────────────────────────────────────────────────────────────

  router.get('/stations', read, async (ctx) => {
    ctx.body = { stations: await fleetAdmin.listStations(parseQuery(ctx, stationQuery)) };
  });

  router.post('/stations', write, async (ctx) => {
    const { id: given, reason: why, ...fields } = parseBody(ctx, stationCreate);
    const stationId = given ?? `st-${randomUUID()}`;
    const station = await audited(currentUser(ctx), 'station.create', `station:${stationId}`, why, () => fleetAdmin.createStation(stationId, fields));
    ctx.status = 201;
    ctx.body = { station };
  });

  router.get('/stations/:id', read, async (ctx) => {
    ctx.body = await fleetAdmin.station(ctx.params.id);
  });

  router.patch('/stations/:id', write, async (ctx) => {
    const { reason: why, ...patch } = parseBody(ctx, stationPatch);
    const action = patch.retired === true ? 'station.retire' : patch.retired === false ? 'station.restore' : 'station.update';
    ctx.body = { station: await audited(currentUser(ctx), action, `station:${ctx.params.id}`, why, () => fleetAdmin.updateStation(ctx.params.id, patch)) };
  });

  // ── piles ───────────────────────────────────────────────────────────────────────────

  router.post('/stations/:id/piles', write, async (ctx) => {
    const { reason: why, connectors, ...fields } = parseBody(ctx, pileCreate);
    if (fields.protocol === 'ocpp1.6') {
      const piles = await audited(currentUser(ctx), 'pile.create', `pile:${fields.code}`, why, () => fleetAdmin.createCharger(ctx.params.id, fields, connectors ?? 1));
      // One charger more under the station's stored cap: every connected charger's share shrinks now; the new one gets its share when it boots.
      const powerCap = await pileCommands.reshareCap(currentUser(ctx), ctx.params.id);
      ctx.status = 201;
      ctx.body = {
        pile: piles[0],
        piles,
        // Shown once: derived from the master key, never stored. The charger connects as `code`; drivers scan each connector's.
        credentials: pileCommissioning.ocppCredentials(fields.code),
        connectors: piles.map((pile) => ({ connectorId: pile.ocpp!.connectorId, pileCode: pile.code, qrLink: pileCommissioning.qrLink(pile.code) })),
        qrLink: pileCommissioning.qrLink(piles[0].code),
        ...(powerCap ? { powerCap } : {}),
      };
      return;
    }
    const pile = await audited(currentUser(ctx), 'pile.create', `pile:${fields.code}`, why, () => fleetAdmin.createPile(ctx.params.id, fields));
    const provisioning = pileCommissioning.credentials(pile.id);
    ctx.status = 201;
    ctx.body = {
      pile,
      // Shown once: derived from the master key, never stored (`npm run pile:credentials` derives them again).
      credentials: provisioning && {
        mqttUsername: provisioning.mqtt.username,
        mqttPassword: provisioning.mqtt.password,
        mqttClientId: provisioning.mqtt.clientId,
        uplinkTopics: provisioning.mqtt.uplinkTopics,
        commandTopic: provisioning.mqtt.commandTopic,
        commandSecret: provisioning.commandSecret,
      },
      qrLink: pileCommissioning.qrLink(pile.code),
    };
  });

  router.patch('/piles/:code', write, async (ctx) => {
    const { reason: why, ...patch } = parseBody(ctx, pilePatch);
    const action = patch.retired === true ? 'pile.retire' : patch.retired === false ? 'pile.restore' : 'pile.update';
    ctx.body = { pile: await audited(currentUser(ctx), action, `pile:${ctx.params.code}`, why, () => fleetAdmin.updatePile(ctx.params.code, patch)) };
  });

  router.get('/piles/:code/qr', read, async (ctx) => {
    const { format } = parseQuery(ctx, qrQuery);
    const pile = await fleetAdmin.pileByCode(ctx.params.code);
    const link = pileCommissioning.qrLink(pile.code);
    ctx.set('Content-Disposition', `inline; filename="pile-${pile.code}.${format}"`);
    if (format === 'png') {
      ctx.type = 'image/png';
      ctx.body = await QRCode.toBuffer(link, { type: 'png', width: 512, margin: 2, errorCorrectionLevel: 'M' });
    } else {
      ctx.type = 'image/svg+xml';
      ctx.body = await QRCode.toString(link, { type: 'svg', margin: 2, errorCorrectionLevel: 'M' });
    }
  });

  // ── live fleet ──────────────────────────────────────────────────────────────────────

  router.get('/fleet', read, async (ctx) => {
    const q = parseQuery(ctx, fleetQuery);
    const text = q.q?.toLowerCase();
    const entries = q.stationId ? [await stations.get(q.stationId)].filter((e): e is StationWithPiles => !!e) : await stations.load(undefined, Number.MAX_SAFE_INTEGER);
    const counts: Record<'total' | (typeof FLEET_STATUSES)[number], number> = { total: 0, available: 0, reserved: 0, charging: 0, occupied: 0, faulted: 0, offline: 0 };
    const shown = [];
    for (const entry of entries) {
      const stationMatches = !text || entry.station.name.toLowerCase().includes(text) || entry.station.id.toLowerCase().includes(text);
      const statuses = await listedStatuses.of(entry.station.id);
      const piles = entry.piles
        .filter((p) => stationMatches || p.code.toLowerCase().includes(text))
        .map((p) => ({ id: p.id, code: p.code, type: p.type, maxPowerW: p.maxPowerW, status: FLEET_STATUS[statuses[p.id] ?? 'offline'] }))
        .filter((p) => !q.status || p.status === q.status);
      for (const pile of piles) {
        counts.total += 1;
        counts[pile.status as keyof typeof counts] += 1;
      }
      if (piles.length && shown.length < q.limit) shown.push({ id: entry.station.id, name: entry.station.name, piles });
    }
    // Live figures only for the charging piles shown: two hot-store reads each. The gateway computes live progress
    // only for sessions someone follows, so a session nobody watches shows its last checkpoint's energy (no power).
    const stationsShown = await Promise.all(
      shown.map(async (station) => ({
        ...station,
        piles: await Promise.all(station.piles.map(async (pile): Promise<FleetPile> => (pile.status === 'charging' ? { ...pile, ...(await liveSessionOn(pile.id)) } : pile))),
      })),
    );
    const unwatched = stationsShown.flatMap((s) => s.piles).filter((p) => p.sessionId !== undefined && p.energyWh === undefined);
    const checkpoints = await sessionRecords.recordedEnergy(unwatched.map((p) => p.sessionId!));
    for (const pile of unwatched) pile.energyWh = checkpoints.get(pile.sessionId!);
    ctx.body = { counts, stations: stationsShown };
  });

  type FleetPile = { id: string; code: string; type: string; maxPowerW: number; status: string; sessionId?: string; powerW?: number; energyWh?: number };

  /** The session holding the pile, with its latest progress. */
  async function liveSessionOn(pileId: string): Promise<{ sessionId?: string; powerW?: number; energyWh?: number }> {
    const occupant = await live.occupant(pileId);
    if (!occupant) return {};
    const progress = (await live.session(occupant.sessionId))?.progress;
    return { sessionId: occupant.sessionId, powerW: progress?.powerW, energyWh: progress?.energyWh };
  }

  router.get('/piles/:code', read, async (ctx) => {
    const pile = await fleetAdmin.pileByCode(ctx.params.code);
    const [{ station }, device, occupant, recentSessions] = await Promise.all([
      fleetAdmin.station(pile.stationId),
      live.pileDevice(pile.id),
      live.occupant(pile.id),
      fleetAdmin.recentSessions(pile.id),
    ]);
    let currentSession = null;
    if (occupant) {
      const [record, liveRecord] = await Promise.all([sessionRecords.byId(occupant.sessionId), live.session(occupant.sessionId)]);
      const progress = liveRecord?.progress;
      currentSession = {
        id: occupant.sessionId,
        status: occupant.status,
        startedAt: record?.startedAt?.toISOString() ?? (liveRecord?.startedAt ? new Date(liveRecord.startedAt).toISOString() : null),
        energyWh: Math.max(progress?.energyWh ?? 0, record?.energyWh ?? 0),
        powerW: progress?.powerW,
      };
    }
    ctx.body = { pile: pileResource(pile), station, status: FLEET_STATUS[pileDisplayStatus(device, occupant?.status)], currentSession, recentSessions };
  });

  return router;
}
