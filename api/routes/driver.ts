import type Router from '@koa/router';
import type { WeChatConfig } from '../../infra/wechat/code2session';
import type { WeChatPayTopUps } from '../../payments/wechat-pay/wechat-pay-top-ups';
import type { ApiDeps } from '../context';
import { favouriteRoutes } from './favourites';
import { feedbackRoutes } from './feedback';
import { meRoutes } from './me';
import { orderRoutes } from './orders';
import { reviewRoutes } from './reviews';
import { stationReviewRoutes } from './station-reviews';
import { supportFeedbackRoutes } from './support-feedback';
import { vehicleRoutes } from './vehicles';
import { wechatPayNotifyRoutes } from './wechat-pay-notify';
import { wechatLoginRoutes } from './wechat-login';

/** Optional dependencies of the driver features; absent, their routes answer that they are not configured. */
export interface DriverFeatureDeps {
  wechat?: WeChatConfig;
  wechatPay?: WeChatPayTopUps;
}

/** What needs no sign-in: WeChat login, stations' reviews, WeChat Pay's notifications (signed by WeChat Pay). */
export function publicDriverRoutes(deps: ApiDeps & DriverFeatureDeps): Router[] {
  return [wechatLoginRoutes(deps), stationReviewRoutes(deps), wechatPayNotifyRoutes(deps)];
}

/** The signed-in driver's own data, and support's answers to their feedback. */
export function driverRoutes(deps: ApiDeps): Router[] {
  return [meRoutes(deps), favouriteRoutes(deps), vehicleRoutes(deps), reviewRoutes(deps), orderRoutes(deps), feedbackRoutes(deps), supportFeedbackRoutes(deps)];
}
