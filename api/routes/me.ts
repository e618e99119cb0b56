import Router from '@koa/router';
import { z } from 'zod';
import { DomainError } from '../../domain/errors';
import { currentUser } from '../auth';
import type { ApiDeps } from '../context';
import { viewOfRecord } from '../session-service';
import { parseBody } from '../validation';

const profilePatch = z.object({ name: z.string().trim().min(1).max(50) }).strict();

/** The signed-in driver: profile, and the sessions still going on (reservations to start, charging to watch). */
export function meRoutes({ users, tokens, orderHistory, places: placeNames }: ApiDeps): Router {
  const router = new Router({ prefix: '/api/v1/me' });

  const profile = async (id: string) => {
    const user = await users.byId(id);
    if (!user) throw new DomainError('UNAUTHENTICATED', 'this account no longer exists; sign in again');
    return user;
  };
  const profileView = (u: Awaited<ReturnType<typeof profile>>) => ({ id: u.id, name: u.name, role: u.role, wechatLinked: u.wechatOpenId !== null, createdAt: u.createdAt });

  router.get('/', async (ctx) => {
    ctx.body = profileView(await profile(currentUser(ctx).id));
  });

  /** A new name is in the token too, so the answer carries a fresh token. */
  router.patch('/', async (ctx) => {
    const { name } = parseBody(ctx, profilePatch);
    const user = await (await profile(currentUser(ctx).id)).update({ name });
    ctx.body = { user: profileView(user), token: tokens.reissue({ id: user.id, name: user.name, role: user.role }, ctx.state.tokenVersion as number | undefined) };
  });

  router.get('/active-sessions', async (ctx) => {
    const rows = await orderHistory.active(currentUser(ctx).id);
    const places = await placeNames.of(rows);
    ctx.body = { sessions: rows.map((s) => ({ ...viewOfRecord(s), station: places.station(s.stationId), pile: places.pile(s.pileId) })) };
  });

  return router;
}
