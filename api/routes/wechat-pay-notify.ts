import Router from '@koa/router';
import { DomainError } from '../../domain/errors';
import type { WeChatPayTopUps } from '../../payments/wechat-pay/wechat-pay-top-ups';
import type { ApiDeps } from '../context';

/**
 * WeChat Pay's payment and refund notifications (public; authenticated by WeChat Pay's signature over the raw body).
 * 204 tells WeChat Pay it is done; any other answer makes it try again later.
 */
export function wechatPayNotifyRoutes(deps: ApiDeps & { wechatPay?: WeChatPayTopUps }): Router {
  const router = new Router({ prefix: '/api/v1/payments/wechat-pay' });

  router.post('/notify', async (ctx) => {
    if (!deps.wechatPay) throw new DomainError('NOT_FOUND', 'WeChat Pay is not configured on this server');
    const body = (ctx.request as { rawBody?: string }).rawBody ?? '';
    try {
      await deps.wechatPay.confirm({ headers: ctx.headers, body });
    } catch (error) {
      deps.logger.warn({ err: error, requestId: ctx.state.requestId }, 'WeChat Pay notification refused');
      throw error;
    }
    ctx.status = 204;
  });

  router.post('/refund-notify', async (ctx) => {
    const gateway = deps.refunds.wechatPay;
    if (!gateway) throw new DomainError('NOT_FOUND', 'WeChat Pay is not configured on this server');
    const body = (ctx.request as { rawBody?: string }).rawBody ?? '';
    try {
      await gateway.confirm({ headers: ctx.headers, body }, deps.refunds.desk);
    } catch (error) {
      deps.logger.warn({ err: error, requestId: ctx.state.requestId }, 'WeChat Pay refund notification refused');
      throw error;
    }
    ctx.status = 204;
  });

  return router;
}
