import { randomUUID } from 'node:crypto';
import { pileTopics } from '../../device-protocol/topics';
import { type GatewayFixture, gatewayFixture } from '../../test/support/gateway-harness';
import { PilePresence } from '../presence';
import { routeMessage } from '../routing';

const topics = pileTopics();
let f: GatewayFixture;
let presence: PilePresence;

beforeEach(async () => {
  f = await gatewayFixture();
  presence = new PilePresence(f.ctx, { heartbeatTimeoutMs: 90_000, writeEveryMs: 0 });
}, 60_000);
afterEach(() => f.close());

const connectedAt = Date.now() - 60_000;
const status = (pileId: string, state: string, ts: number, extra: object = {}) =>
  routeMessage(f.ctx, presence, topics.uplink(pileId, 'status'), Buffer.from(JSON.stringify({ v: 1, msgId: randomUUID(), ts, state, connectedAt, ...extra })));
const history = async (pileId: string) =>
  (await f.db.models.PileStatusChange.findAll({ where: { pileId }, order: [['at', 'ASC'], ['id', 'ASC']] })).map((c) => [c.state, c.available, c.at.getTime()]);

describe("the piles' availability history", () => {
  it('records when a pile turns unavailable and available again, not every status in between', async () => {
    const [pileId] = f.pileIds;
    const t0 = Date.now() - 50_000;
    await status(pileId, 'idle', t0);
    await status(pileId, 'plugged', t0 + 1000);
    await status(pileId, 'faulted', t0 + 2000, { faultCode: 'E42' });
    await status(pileId, 'idle', t0 + 3000);
    expect(await history(pileId)).toEqual([
      ['idle', true, t0],
      ['faulted', false, t0 + 2000],
      ['idle', true, t0 + 3000],
    ]);
  });

  it('records a pile that fell silent as offline, and available once it is heard again', async () => {
    const [pileId] = f.pileIds;
    let now = Date.now();
    f.ctx.clock = () => now;
    await status(pileId, 'idle', now - 1000);
    await presence.seen({ pileId, stationId: f.stationId } as never);
    now += 100_000;
    expect(await presence.sweep()).toBe(1);
    now += 5_000;
    await presence.seen({ pileId, stationId: f.stationId } as never);
    expect((await history(pileId)).map(([state, available]) => [state, available])).toEqual([
      ['idle', true],
      ['offline', false],
      ['idle', true],
    ]);
  });
});
