import Router from '@koa/router';
import { z } from 'zod';
import { STAFF_ROLES } from '../../db/models';
import { STAFF_USERNAME_PATTERN, STAFF_USERNAME_RULE } from '../../domain/staff-usernames';
import { currentUser, requireRole } from '../auth';
import type { ApiDeps } from '../context';
import { parseBody } from '../validation';

/** Why an admin changes someone's account; it goes into the audit log. */
const reason = z.string().trim().min(3).max(500);

const createBody = z
  .object({
    username: z.string().trim().toLowerCase().regex(STAFF_USERNAME_PATTERN, STAFF_USERNAME_RULE),
    role: z.enum(STAFF_ROLES),
    reason: reason.optional(),
  })
  .strict();
const changeBody = z.object({ reason }).strict();
/** A mobile number: E.164 (+8613812345678), or a mainland number of 11 digits that becomes +86…. */
const phone = z
  .string()
  .trim()
  .max(32)
  .transform((v) => v.replace(/[\s-]/g, ''))
  .transform((v) => (/^1\d{10}$/.test(v) ? `+86${v}` : v))
  .pipe(z.string().regex(/^\+[1-9]\d{6,14}$/, 'must be an E.164 number such as +8613812345678'));
const contactBody = z
  .object({ phone: phone.nullable().optional(), wechatOpenId: z.string().trim().regex(/^[A-Za-z0-9_-]{6,64}$/, 'must be a WeChat openid').nullable().optional(), reason })
  .strict();
const resetBody = z.object({ reason, clearTotp: z.boolean().default(false) }).strict();

/** Admins manage staff accounts (every change audited, passwords generated and shown once); any staff may read the directory. */
export function staffAdminRoutes({ staff }: ApiDeps): Router {
  const router = new Router({ prefix: '/api/v1/admin/staff' });
  const admin = requireRole('admin');

  router.get('/', admin, async (ctx) => {
    ctx.body = { staff: await staff.list() };
  });

  /** Who can be assigned an alarm, put on call or given a feedback item: every staff role may read names and roles, nothing more. */
  router.get('/directory', requireRole('operator', 'support', 'admin'), async (ctx) => {
    const members = await staff.list();
    ctx.body = { staff: members.filter((m) => !m.disabledAt).map((m) => ({ id: m.id, username: m.username, role: m.role })) };
  });

  router.post('/', admin, async (ctx) => {
    const body = parseBody(ctx, createBody);
    ctx.status = 201;
    ctx.body = await staff.create(currentUser(ctx), body);
  });

  router.post('/:id/disable', admin, async (ctx) => {
    ctx.body = { staff: await staff.setDisabled(currentUser(ctx), ctx.params.id, true, parseBody(ctx, changeBody).reason) };
  });

  router.post('/:id/enable', admin, async (ctx) => {
    ctx.body = { staff: await staff.setDisabled(currentUser(ctx), ctx.params.id, false, parseBody(ctx, changeBody).reason) };
  });

  router.patch('/:id', admin, async (ctx) => {
    ctx.body = { staff: await staff.setContact(currentUser(ctx), ctx.params.id, parseBody(ctx, contactBody)) };
  });

  router.post('/:id/reset-password', admin, async (ctx) => {
    ctx.body = await staff.resetPassword(currentUser(ctx), ctx.params.id, parseBody(ctx, resetBody));
  });

  return router;
}
