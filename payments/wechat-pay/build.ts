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
import { WeChatPayRefunds } from './wechat-pay-refunds';
import { WeChatPayClient } from './client';
import { WeChatPayBills } from './wechat-pay-bills';
import { WeChatPayscore } from './wechat-payscore';
import { WeChatPayscorePermissions } from './wechat-payscore-permissions';
import { PayscoreAuthorizations } from '../../db/payscore-authorizations';
import { TemporalPendingPayscoreWatch } from './pending-payscore-watch';
import { Orders } from '../../db/orders';
import { PayscoreOrders } from '../../db/payscore-orders';
import { DailyReconciliation } from '../reconciliation';
import { ReconciliationBooks } from '../../db/reconciliation';
import { RefundDesk, sandboxRefunds } from '../refunds';
import { PayscoreRefunds } from '../payscore-refunds';

/**
 * WeChat Pay top-ups, refunds and (with WECHAT_PAYSCORE_SERVICE_ID) Payscore session payments when the WECHAT_PAY_ settings are given (undefined when none is), the same for the
 * API, which places orders and takes notifications, and the worker, which settles what no notification settled.
 */
export function buildWeChatPay(
  env: WeChatEnv,
  deps: { db: Database; temporal: Client; taskQueue: string; logger: Logger },
): { topUps: WeChatPayTopUps; refunds: WeChatPayRefunds; reconciliation: DailyReconciliation; payscore?: WeChatPayscore; payscorePermissions?: WeChatPayscorePermissions } | undefined {
  const config = wechatPayConfigFrom(env);
  if (!config) return undefined;
  const { db, temporal, taskQueue, logger } = deps;
  const topUps = new WeChatPayTopUps({
    orders: new WeChatPayOrders(db),
    users: new UserDirectory(db),
    wallet: new WalletPayments(db),
    config,
    watch: new TemporalPendingTopUpWatch({ temporal, taskQueue }),
    orderExpiryMs: env.WECHAT_PAY_ORDER_EXPIRY_MINUTES * 60_000,
    logger,
  });
  const client = new WeChatPayClient(config);
  const { payscoreServiceId } = config;
  return {
    ...(payscoreServiceId
      ? {
          payscore: new WeChatPayscore({
            db,
            orders: new PayscoreOrders(db),
            sessionOrders: new Orders(db),
            users: new UserDirectory(db),
            config: { ...config, payscoreServiceId },
            watch: new TemporalPendingPayscoreWatch({ temporal, taskQueue }),
          }),
          payscorePermissions: new WeChatPayscorePermissions({ authorizations: new PayscoreAuthorizations(db), users: new UserDirectory(db), config: { ...config, payscoreServiceId } }),
        }
      : {}),
    topUps,
    refunds: new WeChatPayRefunds(client),
    reconciliation: new DailyReconciliation({ provider: 'wechatpay', statements: new WeChatPayBills(client), books: new ReconciliationBooks(db) }),
  };
}

/** Refunds through the provider each top-up was paid with: WeChat Pay when configured, the sandbox's at once. */
export function buildRefundDesk(db: Database, wechatPay: { refunds: WeChatPayRefunds } | undefined): RefundDesk {
  return new RefundDesk({
    wallet: new WalletPayments(db),
    gateways: { sandbox: sandboxRefunds, ...(wechatPay ? { wechatpay: wechatPay.refunds } : {}) },
    books: [new PayscoreRefunds({ orders: new PayscoreOrders(db), gateway: wechatPay?.refunds })],
  });
}
