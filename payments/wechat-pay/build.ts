import type { Client } from '@temporalio/client';
import type { Database } from '../../db/database';
import { UserDirectory } from '../../db/users';
import { WalletPayments } from '../../db/wallet';
import { WeChatPayOrders } from '../../db/wechat-pay-orders';
import type { WeChatEnv } from '../../infra/config';
import type { Logger } from '../../infra/logger';
import { wechatPayConfigFrom } from './config';
import { TemporalPendingTopUpWatch } from './pending-top-up-watch';
import { WeChatPayTopUps } from './wechat-pay-top-ups';

/**
 * WeChat Pay top-ups when the WECHAT_PAY_ settings are given (undefined when none is), the same for the API,
 * which places orders and takes notifications, and the worker, which settles the orders no notification settled.
 */
export function buildWeChatPayTopUps(env: WeChatEnv, deps: { db: Database; temporal: Client; taskQueue: string; logger: Logger }): WeChatPayTopUps | undefined {
  const config = wechatPayConfigFrom(env);
  if (!config) return undefined;
  const { db, temporal, taskQueue, logger } = deps;
  return new WeChatPayTopUps({
    orders: new WeChatPayOrders(db),
    users: new UserDirectory(db),
    wallet: new WalletPayments(db),
    config,
    watch: new TemporalPendingTopUpWatch({ temporal, taskQueue }),
    orderExpiryMs: env.WECHAT_PAY_ORDER_EXPIRY_MINUTES * 60_000,
    logger,
  });
}
