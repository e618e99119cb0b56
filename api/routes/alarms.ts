import Router from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import { MAX_ON_CALL } from '../../db/on-call';
import { ALARM_STATES } from '../../domain/alarm-rules';
import { auditActor, currentUser, requireRole } from '../auth';
import type { ApiDeps } from '../context';
import { parse, parseBody, parseQuery } from '../validation';

const note = z.string().trim().min(1).max(1000);
const reason = z.string().trim().min(3).max(500);
const id36 = z.string().trim().min(1).max(36);
/** A station id as the fleet API makes them (`st-<uuid>`, 39 characters) or as given (up to 64). */
const stationIdParam = z.string().trim().min(1).max(64);

const listQuery = z.object({
  state: z.enum(ALARM_STATES).optional(),
  pile: z.string().trim().min(1).max(64).optional(),
  stationId: z.string().trim().min(1).max(64).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(200),
});
const alarmId = z.coerce.number().int().positive().max(2 ** 31 - 1);
const acknowledgeBody = z.object({ note: note.optional() }).strict();
const assignBody = z.object({ staffId: id36, note: note.optional() }).strict();
const noteBody = z.object({ note }).strict();
const onCallBody = z
  .object({
    staffIds: z
      .array(id36)
      .max(MAX_ON_CALL)
      .refine((ids) => new Set(ids).size === ids.length, 'must not name anyone twice'),
    reason: reason.optional(),
  })
  .strict();

const idOf = (ctx: Context) => parse(alarmId, ctx.params.id, 'id');

/**
 * Alarms that reach a person (api-contract.md, "Alarms"): the list and one alarm's history for every staff role;
 * acknowledge, assign, notes and resolve for operators and admins, each audited and told to the alarm's workflow;
 * each station's ordered on-call list.
 */
export function alarmRoutes({ alarms, onCall, audit }: ApiDeps): Router {
  const router = new Router({ prefix: '/api/v1/admin' });
  const read = requireRole('operator', 'support', 'admin');
  const act = requireRole('operator', 'admin');

  router.get('/alarms', read, async (ctx) => {
    const q = parseQuery(ctx, listQuery);
    ctx.body = { alarms: await alarms.list(q) };
  });

  router.get('/alarms/:id', read, async (ctx) => {
    const id = idOf(ctx);
    ctx.body = { alarm: await alarms.get(id), history: await alarms.history(id) };
  });

  router.post('/alarms/:id/acknowledge', act, async (ctx) => {
    const id = idOf(ctx);
    const body = parseBody(ctx, acknowledgeBody);
    const staff = currentUser(ctx);
    ctx.body = { alarm: await audit.witness(auditActor(staff), { action: 'alarm.acknowledge', target: `alarm:${id}`, reason: body.note }, () => alarms.acknowledge(staff, id, body.note)) };
  });

  router.post('/alarms/:id/assign', act, async (ctx) => {
    const id = idOf(ctx);
    const body = parseBody(ctx, assignBody);
    const staff = currentUser(ctx);
    ctx.body = { alarm: await audit.witness(auditActor(staff), { action: 'alarm.assign', target: `alarm:${id}`, reason: body.note }, () => alarms.assign(staff, id, body.staffId, body.note)) };
  });

  router.post('/alarms/:id/notes', act, async (ctx) => {
    const id = idOf(ctx);
    const body = parseBody(ctx, noteBody);
    const staff = currentUser(ctx);
    ctx.body = { alarm: await audit.witness(auditActor(staff), { action: 'alarm.note', target: `alarm:${id}`, reason: body.note.slice(0, 500) }, () => alarms.note(staff, id, body.note)) };
  });

  router.post('/alarms/:id/resolve', act, async (ctx) => {
    const id = idOf(ctx);
    const body = parseBody(ctx, noteBody);
    const staff = currentUser(ctx);
    ctx.body = { alarm: await audit.witness(auditActor(staff), { action: 'alarm.resolve', target: `alarm:${id}`, reason: body.note.slice(0, 500) }, () => alarms.resolve(staff, id, body.note)) };
  });

  const onCallView = (people: Awaited<ReturnType<typeof onCall.of>>) => ({ staff: people.map(({ id, username, phone }) => ({ id, username, phone })) });

  router.get('/stations/:id/on-call', read, async (ctx) => {
    ctx.body = onCallView(await onCall.of(parse(stationIdParam, ctx.params.id, 'id')));
  });

  router.put('/stations/:id/on-call', act, async (ctx) => {
    const stationId = parse(stationIdParam, ctx.params.id, 'id');
    const body = parseBody(ctx, onCallBody);
    const staff = currentUser(ctx);
    ctx.body = onCallView(await audit.witness(auditActor(staff), { action: 'station.on-call', target: `station:${stationId}`, reason: body.reason }, () => onCall.set(stationId, body.staffIds)));
  });

  return router;
}
