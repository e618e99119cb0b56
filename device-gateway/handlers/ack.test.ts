import { randomUUID } from 'node:crypto';
import { PileCommandRecords } from '../../db/pile-commands';
import { pileTopics } from '../../device-protocol/topics';
import { type GatewayFixture, gatewayFixture } from '../../test/support/gateway-harness';
import { PilePresence } from '../presence';
import { routeMessage } from '../routing';

const topics = pileTopics();
let f: GatewayFixture;
let presence: PilePresence;

beforeEach(async () => {
  f = await gatewayFixture();
  presence = new PilePresence(f.ctx, { heartbeatTimeoutMs: 90_000 });
}, 60_000);

afterEach(async () => {
  await f.close();
});

const ack = (pileId: string, body: object) =>
  routeMessage(f.ctx, presence, topics.uplink(pileId, 'ack'), Buffer.from(JSON.stringify({ v: 1, msgId: randomUUID(), ts: Date.now(), ...body })));

async function anOperatorCommand(pileId: string): Promise<string> {
  const commandId = randomUUID();
  await new PileCommandRecords(f.db).record({
    commandId,
    pileId,
    pileCode: pileId,
    type: 'reset',
    params: {},
    reason: 'test',
    requestedBy: { id: 'op', name: 'op', role: 'operator' },
    workflowId: `pile-command-${commandId}`,
    at: Date.now(),
  });
  return commandId;
}

describe('acks of operator commands', () => {
  it("relays the ack of an operator command to its workflow, with the pile's nonce and reason", async () => {
    const [pileId] = f.pileIds;
    const commandId = await anOperatorCommand(pileId);
    const nonce = randomUUID();

    expect(await ack(pileId, { commandId, nonce, accepted: false, reason: 'invalid_params' })).toBe('handled');

    expect(f.commandSignals.sent).toEqual([{ commandId, ack: { nonce, accepted: false, reason: 'invalid_params' } }]);
    expect(f.signals.sent).toEqual([]);
  });

  it("ignores and counts an ack of another pile's command", async () => {
    const [pileId, otherPile] = f.pileIds;
    const commandId = await anOperatorCommand(pileId);

    await ack(otherPile, { commandId, nonce: randomUUID(), accepted: true });

    expect(f.commandSignals.sent).toEqual([]);
    const rejected = (await f.metrics.getSingleMetric('evcp_gateway_messages_rejected_total')!.get()).values;
    expect(rejected).toEqual([expect.objectContaining({ labels: { reason: 'foreign_command' }, value: 1 })]);
  });

  it('ignores quietly an ack of a command the platform does not know', async () => {
    expect(await ack(f.pileIds[0], { commandId: randomUUID(), nonce: randomUUID(), accepted: true })).toBe('handled');
    expect(f.commandSignals.sent).toEqual([]);
  });
});
