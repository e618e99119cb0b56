import { createHash, timingSafeEqual } from 'node:crypto';
import Router from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import { DomainError } from '../../domain/errors';
import type { ApiDeps } from '../context';

/** Alertmanager's webhook payload (version 4), only the parts that become a console alarm. */
const alertmanagerPayload = z.object({
  version: z.literal('4'),
  alerts: z
    .array(
      z.object({
        status: z.enum(['firing', 'resolved']),
        labels: z.record(z.string().max(200), z.string().max(1000)).and(z.object({ alertname: z.string().min(1).max(58) })),
        annotations: z.record(z.string().max(200), z.string().max(4000)).default({}),
        startsAt: z.iso.datetime({ offset: true }),
        endsAt: z.iso.datetime({ offset: true }),
      }),
    )
    .min(1)
    .max(100),
});
type ReceivedAlert = z.infer<typeof alertmanagerPayload>['alerts'][number];

/** An alert's subject in the alarm table, where a pile alarm names its pile. */
export const alertSubject = (alertname: string) => `alert:${alertname}`;

function sameToken(presented: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(presented), digest(expected));
}

function alarmMessage(alert: ReceivedAlert): string {
  const severity = alert.labels.severity ?? 'unknown';
  const text = [alert.annotations.summary, alert.annotations.description].filter(Boolean).join(' — ');
  return `[${severity}] ${text || alert.labels.alertname}`.slice(0, 500);
}

/**
 * POST /api/v1/alerts/alertmanager: Alertmanager's webhook receiver (ops/alertmanager). Authenticated by the
 * bearer token ALERT_WEBHOOK_TOKEN, not by a user's JWT. Each alert name becomes one console alarm (kind
 * `platform`): raised while any of its alerts fires, cleared when a notification carries only resolved ones.
 * Alertmanager groups by alert name, so one notification speaks for the whole alert.
 */
export function alertWebhookRoutes(deps: Pick<ApiDeps, 'alarms' | 'alertWebhookToken' | 'logger'>): Router {
  const router = new Router({ prefix: '/api/v1/alerts' });

  const authenticate = (ctx: Context) => {
    if (!deps.alertWebhookToken) throw new DomainError('NOT_FOUND', 'the alert webhook is not configured on this server');
    const match = /^Bearer (.+)$/.exec(ctx.get('Authorization'));
    if (!match || !sameToken(match[1], deps.alertWebhookToken)) throw new DomainError('UNAUTHENTICATED', 'send Authorization: Bearer <ALERT_WEBHOOK_TOKEN>');
  };

  router.post('/alertmanager', async (ctx) => {
    authenticate(ctx);
    const { alerts } = alertmanagerPayload.parse(ctx.request.body);
    const byName = new Map<string, ReceivedAlert[]>();
    for (const alert of alerts) byName.set(alert.labels.alertname, [...(byName.get(alert.labels.alertname) ?? []), alert]);
    for (const [alertname, group] of byName) {
      const firing = group.find((alert) => alert.status === 'firing');
      if (firing) {
        await deps.alarms.raise(alertSubject(alertname), 'platform', alertname, alarmMessage(firing), new Date(firing.startsAt));
      } else {
        const latestEnd = Math.max(...group.map((alert) => Date.parse(alert.endsAt)));
        await deps.alarms.clear(alertSubject(alertname), 'platform', new Date(latestEnd));
      }
    }
    deps.logger.info({ alerts: alerts.map((a) => `${a.labels.alertname}:${a.status}`) }, 'Alertmanager notification recorded');
    ctx.status = 204;
  });

  return router;
}
