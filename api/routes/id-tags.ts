import Router from '@koa/router';
import { z } from 'zod';
import { ID_TAG_STATUSES } from '../../db/models';
import { DomainError } from '../../domain/errors';
import { auditActor, currentUser, requireRole } from '../auth';
import type { ApiDeps } from '../context';
import { parseBody, parseQuery } from '../validation';

/** OCPP's IdToken: up to 20 printable characters; no spaces, so what a reader prints is what a charger sends. */
const idTag = z.string().regex(/^[\x21-\x7e]{1,20}$/, 'expected 1-20 printable characters without spaces');
const reason = z.string().trim().min(3).max(500);
const tagCreate = z.object({ idTag, userId: z.string().min(1).max(36), reason }).strict();
const tagPatch = z.object({ status: z.enum(ID_TAG_STATUSES), reason }).strict();
const tagQuery = z.object({ userId: z.string().min(1).max(36).optional() });

/** A session's own tag (`ocppIdTag` in device-protocol/ocpp.ts): `S` and 19 upper-case hex digits; no card may pose as one. */
const SESSION_TAG = /^S[0-9A-F]{19}$/i;

/**
 * RFID cards (docs/ocpp.md, "RFID cards"): staff map a card's id tag to a driver, block and unblock it. A mapped,
 * active card tapped on an OCPP charger starts that driver's session. Reading is for operators, support and admins;
 * writing for operators and admins, audited.
 */
export function idTagRoutes({ idTags, audit }: ApiDeps): Router {
  const router = new Router({ prefix: '/api/v1/admin/id-tags' });

  router.get('/', requireRole('operator', 'support', 'admin'), async (ctx) => {
    ctx.body = { idTags: await idTags.list(parseQuery(ctx, tagQuery)) };
  });

  router.post('/', requireRole('operator', 'admin'), async (ctx) => {
    const body = parseBody(ctx, tagCreate);
    if (SESSION_TAG.test(body.idTag)) {
      throw new DomainError('VALIDATION_FAILED', 'idTag: looks like a session’s own tag (S and 19 hex digits); choose another', { field: 'idTag' });
    }
    const tag = await audit.witness(auditActor(currentUser(ctx)), { action: 'id_tag.create', target: `id_tag:${body.idTag.toUpperCase()}`, reason: body.reason }, () =>
      idTags.add(body.idTag, body.userId),
    );
    ctx.status = 201;
    ctx.body = { idTag: tag };
  });

  router.patch('/:tag', requireRole('operator', 'admin'), async (ctx) => {
    const tag = idTag.parse(ctx.params.tag);
    const body = parseBody(ctx, tagPatch);
    ctx.body = {
      idTag: await audit.witness(auditActor(currentUser(ctx)), { action: `id_tag.${body.status === 'blocked' ? 'block' : 'unblock'}`, target: `id_tag:${tag.toUpperCase()}`, reason: body.reason }, () =>
        idTags.setStatus(tag, body.status),
      ),
    };
  });

  return router;
}
