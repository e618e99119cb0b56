import { z } from 'zod';
import type { PayscoreAuthorizations } from '../../db/payscore-authorizations';
import type { UserDirectory } from '../../db/users';
import { DomainError } from '../../domain/errors';
import { type PayscoreAuthorizationState, isAuthorizationStale, openOrCloseTimeMs, payscoreAuthorizationOf, reportSecond } from '../../domain/payscore-authorization';
import { type SignedMessage, WeChatPayClient, errorCode, parseJson } from './client';
import type { WeChatPayConfig } from './config';

/** The event types of a driver opening or closing our service; every other Payscore notification is about an order. */
export const PAYSCORE_AUTHORIZATION_EVENTS = ['PAYSCORE.USER_OPEN_SERVICE', 'PAYSCORE.USER_CLOSE_SERVICE'] as const;

/** The notification of a driver opening or closing our service (the fields we read). */
const serviceNotice = z.object({
  appid: z.string().max(32),
  mchid: z.string().max(32),
  service_id: z.string().max(32),
  openid: z.string().min(1).max(128),
  user_service_status: z.string().max(32),
  openorclose_time: z.string().max(32),
  authorization_code: z.string().max(32).optional(),
});

/** The answer to GET /v3/payscore/permissions/openid/{openid}. */
const permissionAnswer = z.object({
  appid: z.string().max(32),
  mchid: z.string().max(32),
  service_id: z.string().max(32),
  authorization_state: z.string().max(32),
});

const applyAnswer = z.object({ apply_permissions_token: z.string().min(1).max(1024) });

/**
 * A driver's authorization of our WeChat Pay Score service (免确认模式), APIv3 `/v3/payscore/permissions`: `apply`
 * answers the token the mini-program opens the Payscore mini-program with; WeChat Pay notifies when the driver opened
 * or closed the service, and is asked when we do not know or knew long ago. Orders are created without the driver's
 * confirmation, which WeChat Pay accepts only for a driver whose state is `available`.
 */
export class WeChatPayscorePermissions {
  private readonly client: WeChatPayClient;

  constructor(
    private readonly options: {
      authorizations: PayscoreAuthorizations;
      users: UserDirectory;
      config: WeChatPayConfig & { payscoreServiceId: string };
      now?: () => number;
    },
  ) {
    this.client = new WeChatPayClient(options.config, options.now);
  }

  private get config() {
    return this.options.config;
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  /** POST /v3/payscore/permissions for the driver: the apply_permissions_token `wx.navigateToMiniProgram` takes. */
  async apply(userId: string): Promise<{ applyPermissionsToken: string }> {
    await this.openIdOf(userId);
    const { authorizationCode } = await this.options.authorizations.begin(userId);
    const body = { service_id: this.config.payscoreServiceId, appid: this.config.appId, authorization_code: authorizationCode, notify_url: new URL('payscore-notify', this.config.notifyUrl).toString() };
    const answer = await this.client.call('POST', '/v3/payscore/permissions', JSON.stringify(body));
    if (!answer.ok) throw new DomainError('UPSTREAM_FAILED', `WeChat Pay Score did not start the authorization (${answer.status} ${errorCode(answer.text)}); try again`);
    return { applyPermissionsToken: parseJson(applyAnswer, answer.text, 'permissions answer').apply_permissions_token };
  }

  /**
   * The driver's state as recorded, asked again when it is unknown or stale (`always`: asked in any case). A driver
   * not signed in with WeChat is `unknown`: WeChat Pay knows drivers by their openid only.
   */
  async stateOf(userId: string, refresh: 'stale' | 'always' = 'stale'): Promise<{ state: PayscoreAuthorizationState; asked: boolean }> {
    const row = await this.options.authorizations.of(userId);
    const state = row?.state ?? 'unknown';
    if (refresh === 'stale' && !isAuthorizationStale(state, row?.stateAt?.getTime() ?? null, this.now())) return { state, asked: false };
    const user = await this.options.users.byId(userId);
    if (!user?.wechatOpenId) return { state, asked: false };
    const askedAt = reportSecond(this.now());
    let known: 'available' | 'unavailable';
    try {
      known = await this.query(user.wechatOpenId);
    } catch (error) {
      // WeChat Pay not answering does not unlearn what it told us; a state never known cannot be answered.
      if (state !== 'unknown' && error instanceof DomainError && error.code === 'UPSTREAM_FAILED') return { state, asked: false };
      throw error;
    }
    return { state: (await this.options.authorizations.record(userId, known, askedAt)).state, asked: true };
  }

  /** Refuses pay-as-you-go (PAYSCORE_NOT_ENABLED) unless the driver's state is `available`, asking WeChat Pay before refusing. */
  async assertEnabled(userId: string): Promise<void> {
    const recorded = await this.stateOf(userId);
    if (recorded.state === 'available') return;
    // A driver who has just enabled it may be ahead of the notification.
    const { state } = recorded.asked ? recorded : await this.stateOf(userId, 'always');
    if (state !== 'available') throw new DomainError('PAYSCORE_NOT_ENABLED', 'enable WeChat Pay Score (微信支付分) for this service before paying with it');
  }

  /** Handles a notification that the driver opened or closed our service; resolves when recorded, throws when refused. */
  async confirm(message: SignedMessage): Promise<void> {
    const { eventType, resource } = this.client.openNotification(message, serviceNotice);
    if (!(PAYSCORE_AUTHORIZATION_EVENTS as readonly string[]).includes(eventType)) throw new DomainError('VALIDATION_FAILED', `not an authorization notification (${eventType})`);
    if (resource.appid !== this.config.appId || resource.mchid !== this.config.mchId || resource.service_id !== this.config.payscoreServiceId) {
      throw new DomainError('VALIDATION_FAILED', 'the authorization is for another app, merchant or service');
    }
    const state = payscoreAuthorizationOf(resource.user_service_status);
    const atMs = openOrCloseTimeMs(resource.openorclose_time);
    if (!state || atMs === undefined) throw new DomainError('VALIDATION_FAILED', 'the authorization notification has no known status or time');
    const user = await this.options.users.byWeChatOpenId(resource.openid);
    const row = resource.authorization_code ? await this.options.authorizations.byCode(resource.authorization_code) : null;
    if (!user || (resource.authorization_code && row?.userId !== user.id)) throw new DomainError('NOT_FOUND', 'no driver has this openid and authorization code');
    await this.options.authorizations.record(user.id, state, atMs);
  }

  private async openIdOf(userId: string): Promise<string> {
    const user = await this.options.users.byId(userId);
    if (!user?.wechatOpenId) throw new DomainError('FORBIDDEN', 'WeChat Pay Score needs an account signed in with WeChat');
    return user.wechatOpenId;
  }

  /** GET /v3/payscore/permissions/openid/{openid}: available or not; a driver WeChat Pay does not know has not enabled it. */
  private async query(openId: string): Promise<'available' | 'unavailable'> {
    const query = new URLSearchParams({ appid: this.config.appId, service_id: this.config.payscoreServiceId });
    const answer = await this.client.call('GET', `/v3/payscore/permissions/openid/${encodeURIComponent(openId)}?${query}`);
    if (answer.status === 404) return 'unavailable';
    if (!answer.ok) throw new DomainError('UPSTREAM_FAILED', `WeChat Pay refused the Payscore authorization query (${answer.status} ${errorCode(answer.text)})`);
    const known = parseJson(permissionAnswer, answer.text, 'authorization query answer');
    if (known.appid !== this.config.appId || known.mchid !== this.config.mchId || known.service_id !== this.config.payscoreServiceId) {
      throw new DomainError('UPSTREAM_FAILED', 'WeChat Pay answered about another app, merchant or service');
    }
    const state = payscoreAuthorizationOf(known.authorization_state);
    if (!state) throw new DomainError('UPSTREAM_FAILED', `unknown Payscore authorization state ${known.authorization_state}`);
    return state;
  }
}
