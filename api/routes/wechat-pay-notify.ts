import Router from '@koa/router';
import type { Context } from 'koa';
import { DomainError } from '../../domain/errors';
import type { SignedMessage } from '../../payments/wechat-pay/client';
import type { WeChatPayTopUps } from '../../payments/wechat-pay/wechat-pay-top-ups';
import type { ApiDeps } from '../context';

/**
 * WeChat Pay's payment, refund and Payscore notifications (public; authenticated by WeChat Pay's signature over the
 * raw body). 204 tells WeChat Pay it is done; any other answer makes it try again later.
 */
export function wechatPayNotifyRoutes(deps: ApiDeps & { wechatPay?: WeChatPayTopUps }): Router {
  const router = new Router({ prefix: '/api/v1/payments/wechat-pay' });

  /** Hands the notification to `handle` (undefined: not configured here), logging a refusal. */
  const notified = (what: string, handle: ((message: SignedMessage) => Promise<void>) | undefined) => async (ctx: Context) => {
    if (!handle) throw new DomainError('NOT_FOUND', `${what} is not configured on this server`);
    const body = (ctx.request as { rawBody?: string }).rawBody ?? '';
    try {
      await handle({ headers: ctx.headers, body });
    } catch (error) {
      deps.logger.warn({ err: error, requestId: ctx.state.requestId }, `${what} notification refused`);
      throw error;
    }
    ctx.status = 204;
  };

  const { wechatPay, payscore, refunds } = deps;
  router.post('/notify', notified('WeChat Pay', wechatPay && ((message) => wechatPay.confirm(message))));
  router.post('/refund-notify', notified('WeChat Pay refund', refunds.wechatPay && ((message) => refunds.wechatPay!.confirm(message, refunds.desk))));
  router.post('/payscore-notify', notified('WeChat Pay Score', payscore && ((message) => payscore.confirm(message))));

  return router;
}
