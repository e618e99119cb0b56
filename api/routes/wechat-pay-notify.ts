import Router from '@koa/router';
import type { Context } from 'koa';
import { DomainError } from '../../domain/errors';
import type { SignedMessage } from '../../payments/wechat-pay/client';
import type { WeChatPayTopUps } from '../../payments/wechat-pay/wechat-pay-top-ups';
import { PAYSCORE_AUTHORIZATION_EVENTS } from '../../payments/wechat-pay/wechat-payscore-permissions';
import type { ApiDeps } from '../context';

/** Whether the body names an authorization event; which handler opens it, which then verifies it whole. */
function isAuthorizationNotice(body: string): boolean {
  try {
    return (PAYSCORE_AUTHORIZATION_EVENTS as readonly unknown[]).includes((JSON.parse(body) as { event_type?: unknown }).event_type);
  } catch {
    return false;
  }
}

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

  const { wechatPay, payscore, payscorePermissions, refunds } = deps;
  router.post('/notify', notified('WeChat Pay', wechatPay && ((message) => wechatPay.confirm(message))));
  router.post('/refund-notify', notified('WeChat Pay refund', refunds.wechatPay && ((message) => refunds.wechatPay!.confirm(message, refunds.desk))));
  // One notify URL for Payscore: a driver opening or closing our service, or a change of one of their orders.
  const payscoreNotified = async (message: SignedMessage) => {
    const handler = isAuthorizationNotice(message.body) ? payscorePermissions : payscore;
    if (!handler) throw new DomainError('NOT_FOUND', 'this WeChat Pay Score notification is not configured on this server');
    await handler.confirm(message);
  };
  router.post('/payscore-notify', notified('WeChat Pay Score', (payscore || payscorePermissions) && payscoreNotified));

  return router;
}
