import QRCode from 'qrcode';
import { PileRegistry } from '../../db/pile-registry';
import { StationDirectory } from '../../db/stations';
import { deriveMqttPassword } from '../../device-protocol/mqtt-accounts';
import { deriveOcppPassword } from '../../device-protocol/ocpp';
import { hotKeys } from '../../infra/hot-state/keys';
import { startTestApi, type TestApi } from '../../test/support/api-harness';
import { aTariff } from '../../test/support/builders';
import { aSession } from '../../test/support/driver-data';
import { uniqueId } from '../../test/support/services';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { pileCodeFrom } = require('../../mini-program/utils/pile-code.js') as { pileCodeFrom(scanned: string): string | null };

const MASTER_KEY = 'a-test-pile-master-key-of-32-characters-or-more';
const { id: _tariffId, ...definition } = aTariff();
const inAMinute = () => new Date(Date.now() + 60_000).toISOString();

describe('fleet management by staff', () => {
  let t: TestApi;
  let operator: string;
  let support: string;
  let driver: string;
  const call = (auth: string) => ({
    get: (path: string) => t.http.get(`/api/v1${path}`).set('Authorization', auth),
    post: (path: string, body: object = {}) => t.http.post(`/api/v1${path}`).set('Authorization', auth).send(body),
    patch: (path: string, body: object = {}) => t.http.patch(`/api/v1${path}`).set('Authorization', auth).send(body),
  });
  const auditOf = async (target: string) => (await t.db.models.AuditEntry.findAll({ where: { target }, order: [['id', 'ASC']] })).map((r) => [r.action, r.result, r.reason]);

  beforeAll(async () => {
    t = await startTestApi({}, { PILE_MASTER_KEY: MASTER_KEY, PILE_QR_BASE_URL: 'https://charge.example.cn/p/' });
    operator = `Bearer ${(await t.staffLogin(uniqueId('op'), 'operator')).token}`;
    support = `Bearer ${(await t.staffLogin(uniqueId('sup'), 'support')).token}`;
    driver = `Bearer ${(await t.login('Dora')).token}`;
  });
  afterAll(() => t.stop());

  async function aTariffCreated(overrides: object = {}): Promise<string> {
    const { body } = await call(operator).post('/admin/tariffs', { definition, ...overrides }).expect(201);
    return body.tariff.id;
  }
  async function aStationCreated(overrides: object = {}): Promise<string> {
    const tariffId = await aTariffCreated();
    const { body } = await call(operator)
      .post('/admin/stations', { name: 'Riverside', address: '1 River Rd', lat: 31.1, lng: 121.4, openingHours: '00:00-24:00', tariffId, ...overrides })
      .expect(201);
    return body.station.id;
  }
  async function aPileCreated(stationId: string, overrides: object = {}) {
    const code = uniqueId('pile');
    const { body } = await call(operator).post(`/admin/stations/${stationId}/piles`, { code, type: 'fast', maxPowerW: 60_000, connectorType: 'GB/T', ...overrides }).expect(201);
    return body as { pile: { id: string; code: string }; credentials: Record<string, string>; qrLink: string };
  }

  describe('tariffs', () => {
    it('creates a tariff with a generated id, its definition as version 1, audited', async () => {
      const { body } = await call(operator).post('/admin/tariffs', { definition, reason: 'new night offer' }).expect(201);
      expect(body.tariff).toMatchObject({ name: definition.name, current: { version: 1, definition }, versions: [{ version: 1, definition, createdBy: { name: expect.any(String) } }] });
      expect(body.tariff.id).toMatch(/^tariff-/);
      expect(await auditOf(`tariff:${body.tariff.id}`)).toEqual([['tariff.create', 'ok', 'new night offer']]);
    });

    it('adds a version that takes effect later, leaving the current one in force until then', async () => {
      const tariffId = await aTariffCreated();
      const later = inAMinute();
      const v2 = { ...definition, name: 'Dearer', idleFeeFenPerMinute: 30 };
      const { body } = await call(operator).post(`/admin/tariffs/${tariffId}/versions`, { definition: v2, effectiveFrom: later, reason: 'grid price rise' }).expect(201);
      expect(body.tariff.current.version).toBe(1);
      expect(body.tariff.versions.map((v: { version: number; effectiveFrom: string }) => [v.version, v.effectiveFrom])).toEqual([
        [1, expect.any(String)],
        [2, later],
      ]);
      const listed = (await call(support).get('/admin/tariffs').expect(200)).body.tariffs.find((x: { id: string }) => x.id === tariffId);
      expect(listed.versions).toHaveLength(2);
      expect(await auditOf(`tariff:${tariffId}`)).toEqual([
        ['tariff.create', 'ok', null],
        ['tariff.version', 'ok', 'grid price rise'],
      ]);
    });

    it('refuses a version that would take effect in the past', async () => {
      const tariffId = await aTariffCreated();
      const { body } = await call(operator).post(`/admin/tariffs/${tariffId}/versions`, { definition, effectiveFrom: new Date(Date.now() - 3_600_000).toISOString() }).expect(400);
      expect(body.error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'effectiveFrom' });
    });

    it.each([
      ['bands that leave a gap', { definition: { ...definition, bands: definition.bands.slice(1) } }, 'definition.bands'],
      ['a fractional price', { definition: { ...definition, bands: definition.bands.map((b) => ({ ...b, serviceFenPerKwh: 0.5 })) } }, 'definition.bands.0.serviceFenPerKwh'],
      ['an id with a slash', { id: 'a/b', definition }, 'id'],
    ])('refuses a tariff with %s (400 naming the field)', async (_case, body, field) => {
      expect((await call(operator).post('/admin/tariffs', body).expect(400)).body.error).toMatchObject({ code: 'VALIDATION_FAILED', field });
    });

    it('refuses a tariff id in use with a 409', async () => {
      const tariffId = await aTariffCreated();
      expect((await call(operator).post('/admin/tariffs', { id: tariffId, definition }).expect(409)).body.error.code).toBe('CONFLICT');
    });

    it('refuses a version of an unknown tariff with a 404', async () => {
      await call(operator).post('/admin/tariffs/no-such-tariff/versions', { definition, effectiveFrom: inAMinute() }).expect(404);
    });
  });

  describe('roles', () => {
    it.each([
      ['GET', '/admin/tariffs'],
      ['GET', '/admin/stations'],
      ['GET', '/admin/fleet'],
      ['POST', '/admin/tariffs'],
    ])('refuses a driver %s %s with 403', async (method, path) => {
      const request = method === 'GET' ? call(driver).get(path) : call(driver).post(path, { definition });
      expect((await request.expect(403)).body.error.code).toBe('FORBIDDEN');
    });

    it('lets support read but not write', async () => {
      await call(support).get('/admin/stations').expect(200);
      await call(support).post('/admin/tariffs', { definition }).expect(403);
      await call(support).patch('/admin/piles/anything', { maxPowerW: 1000 }).expect(403);
    });
  });

  describe('stations', () => {
    it('creates a station, shows it to drivers nearby, and audits it', async () => {
      const stationId = await aStationCreated({ lat: 30.5, lng: 114.3, name: 'Wuhan Optics Valley', reason: 'opening' });
      await aPileCreated(stationId);
      const nearby = await call(driver).get('/stations?lat=30.5&lng=114.3&radiusKm=1').expect(200);
      expect(nearby.body.stations.map((s: { id: string }) => s.id)).toContain(stationId);
      expect(await auditOf(`station:${stationId}`)).toEqual([['station.create', 'ok', 'opening']]);
    });

    it('refuses a station whose tariff does not exist', async () => {
      const { body } = await call(operator).post('/admin/stations', { name: 'X', address: 'Y', lat: 0, lng: 0, openingHours: '24h', tariffId: 'no-such-tariff' }).expect(400);
      expect(body.error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'tariffId' });
    });

    it('lists stations matching a search, with the count of piles in service', async () => {
      const name = uniqueId('Harbour');
      const stationId = await aStationCreated({ name });
      await aPileCreated(stationId);
      await aPileCreated(stationId);
      const { body } = await call(support).get(`/admin/stations?q=${name}`).expect(200);
      expect(body.stations).toEqual([expect.objectContaining({ id: stationId, name, pileCount: 2, retiredAt: null })]);
    });

    it('edits a station and reads it back with its piles', async () => {
      const stationId = await aStationCreated();
      const { pile } = await aPileCreated(stationId);
      await call(operator).patch(`/admin/stations/${stationId}`, { name: 'Renamed', openingHours: '06:00-22:00', reason: 'new owner' }).expect(200);
      const { body } = await call(support).get(`/admin/stations/${stationId}`).expect(200);
      expect(body.station).toMatchObject({ name: 'Renamed', openingHours: '06:00-22:00', pileCount: 1 });
      expect(body.piles).toEqual([{ id: pile.id, code: pile.code, stationId, type: 'fast', maxPowerW: 60_000, connectorType: 'GB/T', connectorCount: 1, protocol: 'mqtt', retiredAt: null }]);
      expect(await auditOf(`station:${stationId}`)).toEqual([
        ['station.create', 'ok', null],
        ['station.update', 'ok', 'new owner'],
      ]);
    });

    it('hides a retired station from the nearby search and the default listing, but keeps it', async () => {
      const stationId = await aStationCreated({ lat: 22.5, lng: 114.05 });
      await aPileCreated(stationId);
      await call(operator).patch(`/admin/stations/${stationId}`, { retired: true, reason: 'lease ended' }).expect(200);
      const nearby = await call(driver).get('/stations?lat=22.5&lng=114.05&radiusKm=1').expect(200);
      expect(nearby.body.stations.map((s: { id: string }) => s.id)).not.toContain(stationId);
      await call(driver).get(`/stations/${stationId}`).expect(404);
      const listed = async (query: string) => (await call(support).get(`/admin/stations?q=${stationId}${query}`).expect(200)).body.stations.map((s: { id: string }) => s.id);
      expect(await listed('')).toEqual([]);
      expect(await listed('&includeRetired=true')).toEqual([stationId]);
      expect(await auditOf(`station:${stationId}`)).toContainEqual(['station.retire', 'ok', 'lease ended']);
    });
  });

  describe('piles', () => {
    it('creates a pile and shows its credentials, derived from the master key, once', async () => {
      const stationId = await aStationCreated();
      const created = await aPileCreated(stationId, { connectorCount: 2, reason: 'install' });
      expect(created.pile).toMatchObject({ code: created.pile.code, stationId, connectorCount: 2, retiredAt: null });
      expect(created.credentials).toMatchObject({ mqttUsername: created.pile.id, mqttPassword: deriveMqttPassword(MASTER_KEY, created.pile.id) });
      const read = await call(operator).get(`/admin/piles/${created.pile.code}`).expect(200);
      expect(JSON.stringify(read.body)).not.toContain(created.credentials.mqttPassword);
      expect(await auditOf(`pile:${created.pile.code}`)).toEqual([['pile.create', 'ok', 'install']]);
    });

    it('creates an OCPP charger and shows its Basic-auth password, derived from the master key, once', async () => {
      const stationId = await aStationCreated();
      const created = await aPileCreated(stationId, { protocol: 'ocpp1.6' });
      expect(created.pile).toMatchObject({ protocol: 'ocpp1.6' });
      const { id } = created.pile;
      expect(created.credentials).toEqual({
        chargePointId: id,
        endpointPath: `/ocpp/1.6/${id}`,
        subprotocol: 'ocpp1.6',
        basicAuthUsername: id,
        basicAuthPassword: deriveOcppPassword(MASTER_KEY, id),
      });
      const read = await call(operator).get(`/admin/piles/${created.pile.code}`).expect(200);
      expect(read.body.pile.protocol).toBe('ocpp1.6');
      expect(JSON.stringify(read.body)).not.toContain(created.credentials.basicAuthPassword);
    });

    it('creates an OCPP charger of several connectors: one password for the charger, one pile code per connector', async () => {
      const stationId = await aStationCreated();
      const code = uniqueId('cp');
      const { body } = await call(operator).post(`/admin/stations/${stationId}/piles`, { code, type: 'fast', maxPowerW: 60_000, connectorType: 'GB/T', protocol: 'ocpp1.6', connectors: 2 }).expect(201);
      expect(body.credentials).toMatchObject({ chargePointId: code, basicAuthPassword: deriveOcppPassword(MASTER_KEY, code) });
      expect(body.connectors).toEqual([
        { connectorId: 1, pileCode: `${code}-1`, qrLink: expect.stringMatching(new RegExp(`/${code}-1$`)) },
        { connectorId: 2, pileCode: `${code}-2`, qrLink: expect.stringMatching(new RegExp(`/${code}-2$`)) },
      ]);
      const { body: station } = await call(support).get(`/admin/stations/${stationId}`).expect(200);
      expect(station.piles.map((p: { code: string; ocpp: object }) => [p.code, p.ocpp])).toEqual([
        [`${code}-1`, { chargePointId: code, connectorId: 1 }],
        [`${code}-2`, { chargePointId: code, connectorId: 2 }],
      ]);
      expect(await new PileRegistry({ db: t.db }).connectorsOf(code)).toMatchObject([{ pileId: `${code}-1` }, { pileId: `${code}-2` }]);
    });

    it('refuses connectors for an MQTT pile, and a charger whose chargePointId is in use, writing none of its connectors', async () => {
      const stationId = await aStationCreated();
      const mqtt = await call(operator).post(`/admin/stations/${stationId}/piles`, { code: uniqueId('p'), type: 'fast', maxPowerW: 60_000, connectorType: 'GB/T', connectors: 2 }).expect(400);
      expect(mqtt.body.error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'connectors' });
      const { pile } = await aPileCreated(stationId, { protocol: 'ocpp1.6' });
      const again = await call(operator).post(`/admin/stations/${stationId}/piles`, { code: pile.code, type: 'fast', maxPowerW: 60_000, connectorType: 'GB/T', protocol: 'ocpp1.6', connectors: 3 }).expect(409);
      expect(again.body.error).toMatchObject({ code: 'CONFLICT', field: 'code' });
      const { body: station } = await call(support).get(`/admin/stations/${stationId}`).expect(200);
      expect(station.piles.map((p: { code: string }) => p.code)).toEqual([pile.code]);
    });

    it('refuses a protocol it does not speak, naming the field', async () => {
      const stationId = await aStationCreated();
      const { body } = await call(operator).post(`/admin/stations/${stationId}/piles`, { code: uniqueId('pile'), type: 'fast', maxPowerW: 60_000, connectorType: 'GB/T', protocol: 'ocpp2.0.1' }).expect(400);
      expect(JSON.stringify(body)).toContain('protocol');
    });

    it('refuses a pile code in use with a 409, and audits the refusal', async () => {
      const stationId = await aStationCreated();
      const { pile } = await aPileCreated(stationId);
      const { body } = await call(operator).post(`/admin/stations/${stationId}/piles`, { code: pile.code, type: 'slow', maxPowerW: 7000, connectorType: 'GB/T' }).expect(409);
      expect(body.error).toMatchObject({ code: 'CONFLICT', field: 'code' });
      expect(await auditOf(`pile:${pile.code}`)).toEqual([
        ['pile.create', 'ok', null],
        ['pile.create', 'CONFLICT', null],
      ]);
    });

    it.each([
      ['a code the QR scanner could not read', { code: 'has space' }, 'code'],
      ['a power of more than a megawatt', { maxPowerW: 2_000_000 }, 'maxPowerW'],
      ['an unknown type', { type: 'turbo' }, 'type'],
      ['nine connectors', { connectorCount: 9 }, 'connectorCount'],
    ])('refuses a pile with %s', async (_case, override, field) => {
      const stationId = await aStationCreated();
      const { body } = await call(operator).post(`/admin/stations/${stationId}/piles`, { code: uniqueId('p'), type: 'fast', maxPowerW: 60_000, connectorType: 'GB/T', ...override }).expect(400);
      expect(body.error).toMatchObject({ code: 'VALIDATION_FAILED', field });
    });

    it('changes a pile and retires it: drivers can no longer find it or start on it', async () => {
      const stationId = await aStationCreated();
      const { pile } = await aPileCreated(stationId);
      const patched = await call(operator).patch(`/admin/piles/${pile.code}`, { maxPowerW: 30_000, reason: 'derated' }).expect(200);
      expect(patched.body.pile.maxPowerW).toBe(30_000);
      await t.hot.hashSet(hotKeys.pileDevice(pile.id), { state: 'idle', at: String(Date.now()) });
      const retired = await call(operator).patch(`/admin/piles/${pile.code}`, { retired: true, reason: 'broken cable' }).expect(200);
      expect(retired.body.pile.retiredAt).toEqual(expect.any(String));
      await call(driver).get(`/piles/${pile.code}`).expect(404);
      const start = await call(driver).post('/sessions', { pileCode: pile.code }).expect(409);
      expect(start.body.error.code).toBe('PILE_UNAVAILABLE');
      expect((await call(driver).get(`/stations/${stationId}`).expect(200)).body.piles).toEqual([]);
      expect(await auditOf(`pile:${pile.code}`)).toEqual([
        ['pile.create', 'ok', null],
        ['pile.update', 'ok', 'derated'],
        ['pile.retire', 'ok', 'broken cable'],
      ]);
    });

    it('draws a QR code of a link the mini-program scan page reads the pile code from', async () => {
      const stationId = await aStationCreated();
      const { pile, qrLink } = await aPileCreated(stationId);
      expect(qrLink).toBe(`https://charge.example.cn/p/${pile.code}`);
      expect(pileCodeFrom(qrLink)).toBe(pile.code);
      const svg = await call(support)
        .get(`/admin/piles/${pile.code}/qr?format=svg`)
        .buffer(true)
        .parse((res, done) => {
          let text = '';
          res.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
          res.on('end', () => done(null, text));
        })
        .expect(200)
        .expect('Content-Type', /image\/svg\+xml/);
      expect(svg.body).toBe(await QRCode.toString(qrLink, { type: 'svg', margin: 2, errorCorrectionLevel: 'M' }));
      const png = await call(support).get(`/admin/piles/${pile.code}/qr?format=png`).buffer(true).expect(200).expect('Content-Type', 'image/png');
      expect((png.body as Buffer).subarray(0, 4)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47]));
      await call(support).get(`/admin/piles/${pile.code}/qr?format=gif`).expect(400);
      await call(support).get('/admin/piles/no-such-pile/qr').expect(404);
    });
  });

  describe('live fleet', () => {
    it('counts and lists piles by live status, with the session on a charging pile', async () => {
      const stationId = await aStationCreated();
      const piles = [await aPileCreated(stationId), await aPileCreated(stationId), await aPileCreated(stationId)];
      await t.hot.hashSet(hotKeys.stationPiles(stationId), { [piles[0].pile.id]: 'idle', [piles[1].pile.id]: 'charging' });
      await t.hot.hashSet(hotKeys.pileOccupancy(piles[1].pile.id), { sessionId: 'session-on-p2', status: 'CHARGING' });
      const { body } = await call(support).get(`/admin/fleet?stationId=${stationId}`).expect(200);
      expect(body.counts).toEqual({ total: 3, available: 1, reserved: 0, charging: 1, occupied: 0, faulted: 0, offline: 1 });
      expect(body.stations[0].piles.find((p: { id: string }) => p.id === piles[1].pile.id)).toMatchObject({ status: 'charging', sessionId: 'session-on-p2' });
      const charging = await call(support).get(`/admin/fleet?stationId=${stationId}&status=charging`).expect(200);
      expect(charging.body.stations[0].piles.map((p: { id: string }) => p.id)).toEqual([piles[1].pile.id]);
      await call(support).get('/admin/fleet?status=sleeping').expect(400);
    });

    it("shows a charging session nobody follows live with its last checkpoint's energy", async () => {
      const stationId = await aStationCreated();
      const { pile } = await aPileCreated(stationId);
      const { userId } = await t.login('Kim');
      const session = await aSession(t, { userId, stationId, pileId: pile.id }, { status: 'CHARGING' });
      await t.db.models.ChargingSession.update({ energyWh: 4321 }, { where: { id: session.id } });
      await t.hot.hashSet(hotKeys.stationPiles(stationId), { [pile.id]: 'charging' });
      await t.hot.hashSet(hotKeys.pileOccupancy(pile.id), { sessionId: session.id, status: 'CHARGING' });
      const { body } = await call(support).get(`/admin/fleet?stationId=${stationId}`).expect(200);
      expect(body.stations[0].piles[0]).toMatchObject({ status: 'charging', sessionId: session.id, energyWh: 4321 });
    });

    it("shows one pile's status, current session and recent sessions", async () => {
      const stationId = await aStationCreated();
      const { pile } = await aPileCreated(stationId);
      const { userId } = await t.login('Sam');
      const past = await aSession(t, { userId, stationId, pileId: pile.id }, { energyWh: 9000 });
      await t.hot.hashSet(hotKeys.pileDevice(pile.id), { state: 'idle', at: String(Date.now()) });
      const { body } = await call(support).get(`/admin/piles/${pile.code}`).expect(200);
      expect(body).toMatchObject({ pile: { id: pile.id, code: pile.code }, station: { id: stationId }, status: 'available', currentSession: null });
      expect(body.recentSessions).toEqual([expect.objectContaining({ id: past.id, status: 'COMPLETED', energyWh: 9000, totalFen: expect.any(Number) })]);
    });
  });

  describe('changes seen without a restart', () => {
    const eventually = async <T>(read: () => Promise<T>, ok: (value: T) => boolean) => {
      for (let i = 0; i < 100; i++) {
        const value = await read();
        if (ok(value)) return value;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return read();
    };

    it("reloads another API node's cached catalogue when a station is added", async () => {
      const otherNode = new StationDirectory({ db: t.db, hot: t.hot, cacheTtlMs: 3_600_000 });
      await otherNode.refresh();
      const stationId = await aStationCreated();
      expect(await eventually(() => otherNode.get(stationId), (found) => !!found)).toBeDefined();
    });

    it("lets a gateway's pile registry know a new pile at once", async () => {
      const registry = new PileRegistry({ db: t.db, hot: t.hot, ttlMs: 3_600_000 });
      const stationId = await aStationCreated();
      const code = uniqueId('pile');
      expect(await registry.lookup(code)).toBeUndefined(); // the pile's first message, before it was added
      await call(operator).post(`/admin/stations/${stationId}/piles`, { code, type: 'slow', maxPowerW: 7000, connectorType: 'GB/T' }).expect(201);
      expect(await eventually(() => registry.lookup(code), (found) => !!found)).toEqual({ pileId: code, stationId, maxPowerW: 7000, protocol: 'mqtt' });
    });
  });

  describe('tariff versions and sessions', () => {
    it('a session snapshots the version in force when it starts; one started earlier keeps its own', async () => {
      const stationId = await aStationCreated();
      const { pile } = await aPileCreated(stationId);
      const station = (await call(support).get(`/admin/stations/${stationId}`).expect(200)).body.station;
      const effectiveFrom = inAMinute();
      await call(operator).post(`/admin/tariffs/${station.tariffId}/versions`, { definition: { ...definition, name: 'v2' }, effectiveFrom }).expect(201);
      let now = Date.parse(effectiveFrom) - 1;
      const directory = new StationDirectory({ db: t.db, hot: t.hot, clock: () => now });
      const before = (await directory.pileByCode(pile.code))!.tariff;
      expect(before).toMatchObject({ id: station.tariffId, version: 1, name: definition.name });
      now = Date.parse(effectiveFrom);
      expect((await directory.pileByCode(pile.code))!.tariff).toMatchObject({ id: station.tariffId, version: 2, name: 'v2' });
      expect(before).toMatchObject({ version: 1, name: definition.name }); // what the earlier session's workflow input holds
    });

    it('a stored session keeps the tariff it started with when a new version is added', async () => {
      const stationId = await aStationCreated();
      const { pile } = await aPileCreated(stationId);
      const { userId } = await t.login('Kim');
      const session = await aSession(t, { userId, stationId, pileId: pile.id }, { status: 'CHARGING' });
      const { tariffId } = (await call(support).get(`/admin/stations/${stationId}`).expect(200)).body.station;
      await call(operator).post(`/admin/tariffs/${tariffId}/versions`, { definition: { ...definition, name: 'v2', bands: definition.bands.map((b) => ({ ...b, serviceFenPerKwh: 999 })) }, effectiveFrom: new Date().toISOString() }).expect(201);
      const stored = await t.db.models.ChargingSession.findByPk(session.id);
      expect(stored!.tariff).toEqual(session.tariff);
    });
  });
});
