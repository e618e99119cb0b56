import fc from 'fast-check';
import { PayscoreAuthorizations } from '../../db/payscore-authorizations';
import { PAYSCORE_AUTHORIZATION_STALE_MS } from '../../domain/payscore-authorization';
import { startTestApi, type TestApi } from '../../test/support/api-harness';
import { type FakeWeChatPay, startFakeWeChatPay } from '../../test/support/fake-wechat-pay';
import { uniqueId } from '../../test/support/services';
import { tamperedNotifications } from '../../test/support/tampered-notifications';
import { WeChatPayscorePermissions } from './wechat-payscore-permissions';

/** A driver enabling WeChat Pay Score for our service, against the fake WeChat Pay (signatures, app and service checked there). */
describe('WeChat Pay Score authorization of a driver', () => {
  let t: TestApi;
  let pay: FakeWeChatPay;
  let authorizations: PayscoreAuthorizations;
  let permissions: WeChatPayscorePermissions;
  let clockMs: number;

  beforeAll(async () => {
    t = await startTestApi();
    pay = await startFakeWeChatPay();
    authorizations = new PayscoreAuthorizations(t.db);
    permissions = new WeChatPayscorePermissions({ authorizations, users: t.deps.users, config: pay.config, now: () => clockMs });
  }, 60_000);

  afterAll(async () => {
    await pay?.close();
    await t?.stop();
  });

  beforeEach(() => {
    clockMs = Date.now();
    pay.now = () => clockMs;
  });

  afterEach(() => {
    pay.notificationKnobs = { hold: false, duplicate: false, reverse: false, drop: false };
    pay.heldNotifications.splice(0);
    pay.deliver = undefined;
    pay.permissionQueryFailures = 0;
  });

  const aWeChatDriver = async () => {
    const openid = uniqueId('openid');
    return { openid, userId: (await t.deps.wechatUsers.userFor(openid)).id };
  };
  /** The driver asks to enable it and agrees in the Payscore mini-program; WeChat Pay's notification is held. */
  const anOpenedService = async () => {
    const driver = await aWeChatDriver();
    const { applyPermissionsToken } = await permissions.apply(driver.userId);
    pay.notificationKnobs.hold = true;
    await pay.openService(applyPermissionsToken, driver.openid);
    pay.notificationKnobs.hold = false;
    return { ...driver, notification: pay.heldNotifications.splice(0)[0] };
  };
  const stateOf = async (userId: string) => (await authorizations.of(userId))?.state;

  it('starts the authorization with our code for the driver and our Payscore notify URL, answering WeChat Pay’s token', async () => {
    const { userId } = await aWeChatDriver();
    const { applyPermissionsToken } = await permissions.apply(userId);
    const { authorizationCode } = (await authorizations.of(userId))!;
    expect(pay.permissionApplications.get(applyPermissionsToken)).toEqual({ authorizationCode, notifyUrl: new URL('payscore-notify', pay.config.notifyUrl).toString() });
    await permissions.apply(userId);
    expect((await authorizations.of(userId))!.authorizationCode).toBe(authorizationCode);
  });

  it('refuses to start for a driver not signed in with WeChat', async () => {
    const { userId } = await t.login(uniqueId('dev'));
    await expect(permissions.apply(userId)).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('records the driver’s opening of the service from the signed notification', async () => {
    const { userId, notification } = await anOpenedService();
    await permissions.confirm(notification);
    expect(await stateOf(userId)).toBe('available');
  });

  it('records the driver closing the service afterwards', async () => {
    const { userId, openid, notification } = await anOpenedService();
    await permissions.confirm(notification);
    clockMs += 60_000;
    pay.deliver = (n) => permissions.confirm(n);
    await pay.closeService(openid);
    expect(await stateOf(userId)).toBe('unavailable');
  });

  it('keeps the newer state when an older notification arrives after it', async () => {
    const { userId, openid, notification: opened } = await anOpenedService();
    clockMs += 60_000;
    pay.notificationKnobs.hold = true;
    await pay.closeService(openid);
    const [closed] = pay.heldNotifications.splice(0);
    await permissions.confirm(closed);
    await permissions.confirm(opened);
    expect(await stateOf(userId)).toBe('unavailable');
  });

  it('changes nothing when a notification comes twice', async () => {
    const { userId, notification } = await anOpenedService();
    await permissions.confirm(notification);
    const first = (await authorizations.of(userId))!;
    await permissions.confirm(notification);
    expect((await authorizations.of(userId))!.toJSON()).toEqual(first.toJSON());
  });

  it('refuses a notification whose authorization code is another driver’s', async () => {
    const owner = await aWeChatDriver();
    const { applyPermissionsToken } = await permissions.apply(owner.userId);
    const stranger = await aWeChatDriver();
    pay.deliver = (n) => permissions.confirm(n);
    await expect(pay.openService(applyPermissionsToken, stranger.openid)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect([await stateOf(owner.userId), await stateOf(stranger.userId)]).toEqual(['unknown', undefined]);
  });

  it('refuses a notification not signed by WeChat Pay', async () => {
    const { userId, notification } = await anOpenedService();
    const tampered = { ...notification, body: notification.body.replace('USER_OPEN_SERVICE', 'USER_CLOSE_SERVICE') };
    await expect(permissions.confirm(tampered)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(await stateOf(userId)).toBe('unknown');
  });

  it('asks WeChat Pay when it does not know, and not again while the answer is fresh', async () => {
    const { userId, openid } = await aWeChatDriver();
    pay.enableService(openid);
    expect(await permissions.stateOf(userId)).toEqual({ state: 'available', asked: true });
    expect(await permissions.stateOf(userId)).toEqual({ state: 'available', asked: false });
    expect(pay.permissions.get(openid)!.queries).toBe(1);
  });

  it('asks again once the recorded state is stale', async () => {
    pay.now = () => clockMs - PAYSCORE_AUTHORIZATION_STALE_MS - 1000;
    const { userId, openid, notification } = await anOpenedService();
    await permissions.confirm(notification);
    pay.permissions.get(openid)!.state = 'UNAVAILABLE';
    expect(await permissions.stateOf(userId)).toEqual({ state: 'unavailable', asked: true });
  });

  it('answers the recorded state while WeChat Pay does not answer the query, and fails an unknown one', async () => {
    const { userId, openid, notification } = await anOpenedService();
    await permissions.confirm(notification);
    clockMs += PAYSCORE_AUTHORIZATION_STALE_MS + 1000;
    pay.permissionQueryFailures = 2;
    expect(await permissions.stateOf(userId)).toEqual({ state: 'available', asked: false });
    const stranger = await aWeChatDriver();
    await expect(permissions.stateOf(stranger.userId)).rejects.toMatchObject({ code: 'UPSTREAM_FAILED' });
    expect(pay.permissions.get(openid)!.queries).toBe(0);
  });

  it('lets a driver pay with Payscore once enabled, even before the notification came', async () => {
    const { userId, notification } = await anOpenedService();
    expect(notification).toBeDefined();
    await expect(permissions.assertEnabled(userId)).resolves.toBeUndefined();
    expect(await stateOf(userId)).toBe('available');
  });

  it('refuses Payscore to a driver who has not enabled it, having asked WeChat Pay', async () => {
    const { userId, openid } = await aWeChatDriver();
    await expect(permissions.assertEnabled(userId)).rejects.toMatchObject({ code: 'PAYSCORE_NOT_ENABLED' });
    expect(await stateOf(userId)).toBe('unavailable');
    expect(pay.permissions.has(openid)).toBe(false);
  });

  describe('the API', () => {
    const asDriver = (userId: string) => `Bearer ${t.deps.tokens.issue({ id: userId, name: 'driver', role: 'driver' })}`;
    const http = () => t.httpWith({ payscorePermissions: permissions });

    it('starts the authorization, answering the token for the Payscore mini-program', async () => {
      const { userId } = await aWeChatDriver();
      const { body } = await http().post('/api/v1/payments/payscore/authorization').set('authorization', asDriver(userId)).expect(201);
      expect(pay.permissionApplications.has(body.applyPermissionsToken)).toBe(true);
    });

    it('limits how often a driver starts the authorization (429)', async () => {
      const { userId } = await aWeChatDriver();
      const limited = t.httpWith({ payscorePermissions: permissions, rateLimits: { ...t.deps.rateLimits, topUpsPerMinute: 1 } });
      await limited.post('/api/v1/payments/payscore/authorization').set('authorization', asDriver(userId)).expect(201);
      const { body } = await limited.post('/api/v1/payments/payscore/authorization').set('authorization', asDriver(userId)).expect(429);
      expect(body.error.code).toBe('RATE_LIMITED');
    });

    it('answers the driver’s state', async () => {
      const { userId, notification } = await anOpenedService();
      await permissions.confirm(notification);
      const { body } = await http().get('/api/v1/payments/payscore/authorization').set('authorization', asDriver(userId)).expect(200);
      expect(body).toEqual({ state: 'available' });
    });

    it('answers 404 where WeChat Pay Score is not configured', async () => {
      const { userId } = await aWeChatDriver();
      const { body } = await t.http.get('/api/v1/payments/payscore/authorization').set('authorization', asDriver(userId)).expect(404);
      expect(body.error.code).toBe('NOT_FOUND');
    });
  });

  describe('the notify route', () => {
    const notify = (message: { headers: Record<string, string>; body: string }) =>
      t
        .httpWith({ payscorePermissions: permissions })
        .post('/api/v1/payments/wechat-pay/payscore-notify')
        .set(message.headers)
        .set('content-type', 'application/json')
        .send(message.body);

    it('takes a signed authorization notification (204) on the Payscore notify route and records it', async () => {
      const { userId, notification } = await anOpenedService();
      await notify(notification).expect(204);
      expect(await stateOf(userId)).toBe('available');
    });

    it('refuses generated headers and bodies with a 4xx and records nothing', async () => {
      const { userId, notification: genuine } = await anOpenedService();
      const event = fc.constantFrom('PAYSCORE.USER_OPEN_SERVICE', 'PAYSCORE.USER_CLOSE_SERVICE');
      const tampered = tamperedNotifications(genuine, [fc.tuple(event, fc.string({ maxLength: 300 })).map(([e, rest]) => JSON.stringify({ event_type: e, resource: rest }))]);
      await fc.assert(
        fc.asyncProperty(tampered, async (message) => {
          const answer = await notify(message);
          expect(answer.status).toBeGreaterThanOrEqual(400);
          expect(answer.status).toBeLessThan(500);
          expect(answer.body).toHaveProperty('error');
        }),
        { numRuns: 200 },
      );
      expect(await stateOf(userId)).toBe('unknown');
    });
  });
});
