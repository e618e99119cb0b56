import { randomBytes, randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { deriveOcppPassword } from '../device-protocol/ocpp';
import { RedisHotState } from '../infra/hot-state';
import { channels, hotKeys } from '../infra/hot-state/keys';
import { OcppPileCommands } from '../infra/ocpp-pile-commands';
import { eventually } from '../test/support/live-client';
import { type GatewayFixture, gatewayFixture } from '../test/support/gateway-harness';
import { TestCharger } from '../test/support/ocpp-charger';
import { TEST_REDIS_URL } from '../test/support/services';
import { aSessionPolicy } from '../test/support/builders';
import { buildOcppContext } from './build';
import { type RunningCentralSystem, startCentralSystem } from './central-system';

/**
 * Two central-system nodes on one real Redis and MariaDB, as two processes behind one address would be: a charger
 * that reconnects to the other node before its old socket went away must have one owner, the newest connection.
 */
describe('one socket per charger across central-system nodes', () => {
  const masterKey = randomBytes(32).toString('hex');
  let f: GatewayFixture;
  let secondHot: RedisHotState;
  let nodes: RunningCentralSystem[];
  const chargers: TestCharger[] = [];

  beforeAll(async () => {
    f = await gatewayFixture({ pileCount: 4 });
    await f.db.models.Pile.update({ protocol: 'ocpp1.6' }, { where: { stationId: f.stationId } });
    // The second node has its own Redis connections on the same store, as another process would.
    secondHot = new RedisHotState(TEST_REDIS_URL, { keyPrefix: f.hotKeyPrefix });
    // No card starts here: the session client is never called, so it points nowhere.
    const sessions = { temporal: new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) }), taskQueue: 'unused', policy: aSessionPolicy() };
    const node = (hot: RedisHotState) =>
      startCentralSystem(buildOcppContext({ gateway: { ...f.ctx, hot }, db: f.db, heartbeatIntervalS: 60, heartbeatTimeoutMs: 120_000, sessions }), { port: 0, host: '127.0.0.1', masterKey });
    nodes = [await node(f.hot), await node(secondHot)];
  });

  afterEach(async () => {
    for (const charger of chargers.splice(0)) await charger.close().catch(() => undefined);
  });

  afterAll(async () => {
    for (const node of nodes ?? []) await node.stop();
    await secondHot?.close();
    await f?.close();
  });

  async function connect(node: RunningCentralSystem, pileId: string): Promise<{ charger: TestCharger; closed: Promise<number> }> {
    const charger = await TestCharger.connect(node.url, pileId, deriveOcppPassword(masterKey, pileId));
    chargers.push(charger);
    const closed = new Promise<number>((resolve) => charger.rpc.once('close', ({ code }: { code: number }) => resolve(code)));
    return { charger, closed };
  }

  const reset = (pileId: string, commandId: string) =>
    new OcppPileCommands({ hot: f.hot }).send({ commandId, pileId, type: 'reset', nonce: randomBytes(8).toString('hex'), ttlSeconds: 60 });

  const owner = (pileId: string) => f.hot.get(hotKeys.ocppOwner(pileId));

  it('closes the older socket on the other node when the charger reconnects, and sends its commands to the newer one only', async () => {
    const pileId = f.pileIds[0];
    const older = await connect(nodes[0], pileId);
    await eventually(() => owner(pileId), (token) => token !== undefined);
    const newer = await connect(nodes[1], pileId);

    expect(await older.closed).toBe(1000);
    await eventually(async () => nodes[0].connected(), (n) => n === 0);
    await reset(pileId, 'reset-after-reconnect');
    expect((await newer.charger.nextCall('Reset')).params).toEqual({ type: 'Soft' });
    expect(older.charger.received).toEqual([]);
  });

  it('does not send a command through an older socket that has not closed yet', async () => {
    const pileId = f.pileIds[1];
    const older = await connect(nodes[0], pileId);
    const olderToken = await eventually(() => owner(pileId), (token) => token !== undefined);
    // The newer connection's node claimed the charger, but the older node has not heard of it (its notice is late).
    await f.hot.set(hotKeys.ocppOwner(pileId), 'b5c1a4a4-5f07-4b8e-9b0c-3f3b1c1e0d11');
    await reset(pileId, 'reset-to-a-lost-socket');

    expect(await older.closed).toBe(1000);
    expect(older.charger.received).toEqual([]);
    expect(olderToken).not.toBe(await owner(pileId));
  });

  it('keeps its socket when it hears of a claim that lost the race to its own', async () => {
    const pileId = f.pileIds[2];
    const { charger } = await connect(nodes[0], pileId);
    await eventually(() => owner(pileId), (token) => token !== undefined);
    // Another node's claim reached the store first, but its notice arrives after this node claimed over it.
    await f.hot.publish(channels.ocppTakeovers, JSON.stringify({ pileId, token: randomUUID() }));
    await reset(pileId, 'reset-after-a-lost-race');

    expect((await charger.nextCall('Reset')).params).toEqual({ type: 'Soft' });
    expect(nodes[0].connected()).toBe(1);
  });

  it('leaves no owner once the owning connection closed', async () => {
    const pileId = f.pileIds[3];
    const { charger } = await connect(nodes[1], pileId);
    await eventually(() => owner(pileId), (token) => token !== undefined);
    await charger.close();
    await eventually(() => owner(pileId), (token) => token === undefined);
  });
});
