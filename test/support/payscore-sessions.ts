import type { PayscoreOrders } from '../../db/payscore-orders';
import type { WeChatUsers } from '../../db/wechat-users';
import { SequelizeSessionStore } from '../../db/session-store';
import { settleBill } from '../../domain/billing';
import type { WeChatPayscore } from '../../payments/wechat-pay/wechat-payscore';
import type { TestApi } from './api-harness';
import { aSessionInput } from './builders';
import type { FakeWeChatPay } from './fake-wechat-pay';
import { uniqueId } from './services';

/** A driver signed in with WeChat who had enabled WeChat Pay Score for our service (WeChat Pay creates their orders unconfirmed). */
export async function aPayscoreDriver(pay: FakeWeChatPay, wechatUsers: WeChatUsers): Promise<{ userId: string; openid: string }> {
  const openid = uniqueId('openid');
  pay.enableService(openid);
  return { userId: (await wechatUsers.userFor(openid)).id, openid };
}

/**
 * A session paid with Payscore, settled (its order completed at WeChat Pay, its bill in our books and the journal),
 * and, when `collected`, paid by the driver to WeChat Pay and recorded so by our watch's query (the notification lost).
 */
export async function aSettledPayscoreSession(
  deps: { t: TestApi; pay: FakeWeChatPay; payscore: WeChatPayscore; orders: PayscoreOrders },
  { collected }: { collected: boolean },
) {
  const { t, pay, payscore, orders } = deps;
  const { userId } = await aPayscoreDriver(pay, t.deps.wechatUsers);
  const input = aSessionInput({ userId, paymentMode: 'payscore' });
  await new SequelizeSessionStore(t.db).open({ ...input, workflowId: `wf-${input.sessionId}`, status: 'AUTHORIZING', at: Date.now() });
  const { holdFen } = (await payscore.authorize({ sessionId: input.sessionId, userId, limits: {}, policy: input.policy.preauth })) as { holdFen: number };
  const energyFen = holdFen - 1;
  const bill = settleBill({ lines: [], energyWh: 9_000, electricityFen: energyFen - 1, serviceFen: 1, energyFen }, { minutes: 0, feeFen: 0 }, holdFen);
  await payscore.capture({ sessionId: input.sessionId, userId, pileId: input.pileId, stationId: input.stationId, bill });
  await t.db.models.ChargingSession.update({ status: 'COMPLETED', needsReview: true }, { where: { id: input.sessionId } });
  const outOrderNo = (await orders.bySession(input.sessionId))!.outOrderNo;
  if (collected) {
    pay.notificationKnobs.drop = true;
    await pay.collectServiceOrder(outOrderNo);
    await payscore.settlePending(outOrderNo, { cancelIfUnconfirmed: false });
  }
  return { sessionId: input.sessionId, userId, bill, outOrderNo };
}
