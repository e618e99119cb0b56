import Router from '@koa/router';
import { z } from 'zod';
import { MAX_CONNECTORS, OPERATOR_COMMAND_STATES, PILE_COMMAND_TYPES, STATION_CAP_LIMITS } from '../../domain/pile-command';
import { currentUser, requireRole } from '../auth';
import type { ApiDeps } from '../context';
import { idempotencyKey, parseBody, parseQuery } from '../validation';

const paramValue = z.union([z.string().max(512), z.number().finite(), z.boolean()]);

const commandBody = z
  .object({
    commandId: z.string().uuid().optional(),
    type: z.enum(PILE_COMMAND_TYPES),
    reason: z.string().trim().min(3).max(500),
    driverId: z.string().min(1).max(36).optional(),
    connectorId: z.number().int().min(0).max(MAX_CONNECTORS).optional(),
    // Which keys a type takes, and their ranges, is the domain's rule (validateCommandParams); here only the shape.
    params: z.record(z.string().max(64), paramValue).refine((p) => Object.keys(p).length <= 8, 'at most 8 parameters').optional(),
  })
  .strict();

const powerCapBody = z
  .object({
    capW: z.number().int().min(STATION_CAP_LIMITS.minW).max(STATION_CAP_LIMITS.maxW),
    reason: z.string().trim().min(3).max(500),
  })
  .strict();

const clearCapQuery = z.object({ reason: z.string().trim().min(3).max(500) });

const listQuery = z.object({
  pile: z.string().min(1).max(64).optional(),
  state: z.enum(OPERATOR_COMMAND_STATES).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.coerce.number().int().positive().optional(),
});

const pileCode = z.string().min(1).max(64);
const commandId = z.string().min(1).max(64);
const stationId = z.string().min(1).max(64);

/** Operators' remote commands to piles (issue 11): send (operator, admin), list and read (and support). */
export function pileCommandRoutes({ pileCommands }: ApiDeps): Router {
  const router = new Router({ prefix: '/api/v1/admin' });

  router.post('/piles/:code/commands', requireRole('operator', 'admin'), async (ctx) => {
    const code = pileCode.parse(ctx.params.code);
    const body = parseBody(ctx, commandBody);
    ctx.body = { command: await pileCommands.send(currentUser(ctx), code, body, idempotencyKey(ctx)) };
    ctx.status = 202;
  });

  // A station's power cap, stored and shared between its OCPP chargers as ChargePointMaxProfiles (one tracked command each).
  router.post('/stations/:id/power-cap', requireRole('operator', 'admin'), async (ctx) => {
    const id = stationId.parse(ctx.params.id);
    const body = parseBody(ctx, powerCapBody);
    ctx.body = { powerCap: await pileCommands.capStation(currentUser(ctx), id, body, idempotencyKey(ctx)) };
    ctx.status = 202;
  });

  router.get('/stations/:id/power-cap', requireRole('operator', 'support', 'admin'), async (ctx) => {
    ctx.body = { powerCap: await pileCommands.storedCap(stationId.parse(ctx.params.id)) };
  });

  // A DELETE has no body here: the reason is in the query.
  router.delete('/stations/:id/power-cap', requireRole('operator', 'admin'), async (ctx) => {
    const id = stationId.parse(ctx.params.id);
    const { reason } = parseQuery(ctx, clearCapQuery);
    ctx.body = { powerCap: await pileCommands.clearStationCap(currentUser(ctx), id, reason, idempotencyKey(ctx)) };
    ctx.status = 202;
  });

  router.get('/commands', requireRole('operator', 'support', 'admin'), async (ctx) => {
    const q = parseQuery(ctx, listQuery);
    ctx.body = await pileCommands.list({ pileCode: q.pile, state: q.state, limit: q.limit, before: q.cursor });
  });

  router.get('/commands/:id', requireRole('operator', 'support', 'admin'), async (ctx) => {
    ctx.body = { command: await pileCommands.get(commandId.parse(ctx.params.id)) };
  });

  return router;
}
