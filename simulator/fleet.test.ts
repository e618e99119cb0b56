import { randomUUID } from 'node:crypto';
import { derivePileSecret, newCommandId, newCommandNonce, signCommand } from '../device-protocol/commands';
import { pileTopics } from '../device-protocol/topics';
import { fleetPileSpecs, PileFleet, simulatedPileId } from './fleet';
import { PlatformProbe, testMqttUrl } from './platform-probe';

describe('the piles of a fleet', () => {
  it.each([
    [1, 's1-p01'],
    [9, 's1-p09'],
    [10, 's1-p10'],
    [123, 's1-p123'],
  ])('pile %d is named %s', (index, pileId) => {
    expect(simulatedPileId('s1', index)).toBe(pileId);
  });

  it('alternates fast and slow piles', () => {
    expect(fleetPileSpecs('s1', 3)).toEqual([
      { pileId: 's1-p01', type: 'fast', maxPowerW: 120_000 },
      { pileId: 's1-p02', type: 'slow', maxPowerW: 7_000 },
      { pileId: 's1-p03', type: 'fast', maxPowerW: 120_000 },
    ]);
  });

  it('gives every pile the same power when one is set', () => {
    expect(fleetPileSpecs('s1', 2, 11_000).map((p) => [p.type, p.maxPowerW])).toEqual([
      ['slow', 11_000],
      ['slow', 11_000],
    ]);
  });
});

describe('a running fleet', () => {
  const masterKey = 'fleet-test-master-key-0123456789abcdef';
  const stationId = `simfleet-${randomUUID().slice(0, 8)}`;
  let fleet: PileFleet;
  let probes: PlatformProbe[];

  beforeAll(async () => {
    fleet = new PileFleet({ stationId, count: 3, mqttUrl: testMqttUrl, masterKey, topics: pileTopics(), telemetryIntervalMs: 50 });
    probes = await Promise.all(fleet.pileIds.map((pileId) => PlatformProbe.attach(pileId)));
    await fleet.connectAll();
  });

  afterAll(async () => {
    await fleet.stop();
    await Promise.all(probes.map((probe) => probe.close()));
    expect(probes.flatMap((probe) => probe.invalid)).toEqual([]);
  });

  it('connects every pile, each announcing itself idle', async () => {
    expect(fleet.size).toBe(3);
    await Promise.all(probes.map((probe) => probe.waitFor('status', (s) => s.state === 'idle')));
  });

  it('gives each pile its secret derived from the master key, and drives its telemetry', async () => {
    const slow = probes[1];
    const sessionId = randomUUID();
    const command = { commandId: newCommandId(), nonce: newCommandNonce(), pileId: slow.pileId, type: 'start' as const, sessionId, ttlSeconds: 60 };

    await slow.sendCommand(signCommand(command, derivePileSecret(masterKey, slow.pileId), Date.now()));

    expect(await slow.waitFor('telemetry')).toMatchObject({ sessionId, powerW: 7_000 });
    expect(fleet.pile(slow.pileId).state).toBe('charging');
    expect(probes[0].messages('telemetry')).toEqual([]);
  });

  it('knows no pile outside the fleet', () => {
    expect(() => fleet.pile(`${stationId}-p99`)).toThrow(/no simulated pile/);
  });

  it('stops every pile with an offline status', async () => {
    await fleet.stop();
    await Promise.all(probes.map((probe) => probe.waitFor('status', (s) => s.state === 'offline')));
  });
});
