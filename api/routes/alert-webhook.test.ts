import { AlarmLog } from '../../db/alarm-log';
import { startTestApi, type TestApi } from '../../test/support/api-harness';
import { alertSubject } from './alert-webhook';

const TOKEN = 'alertmanager-token-of-at-least-32-characters';

function anAlert(overrides: { alertname?: string; status?: 'firing' | 'resolved'; endsAt?: string; instance?: string } = {}) {
  return {
    status: overrides.status ?? 'firing',
    labels: { alertname: overrides.alertname ?? 'EvcpApiServerErrors', severity: 'warning', instance: overrides.instance ?? 'api-1:3000' },
    annotations: { summary: 'API answers 7% of requests with 5xx', description: 'See the API logs.' },
    startsAt: '2026-03-01T10:00:00Z',
    endsAt: overrides.endsAt ?? '0001-01-01T00:00:00Z',
    generatorURL: 'http://prometheus:9090/graph',
    fingerprint: 'a1b2c3',
  };
}
const notification = (alerts: object[]) => ({ version: '4', status: 'firing', receiver: 'console', groupKey: '{}:{alertname}', alerts });

describe('Alertmanager webhook', () => {
  let api: TestApi;
  const post = (body: object, token: string | null = TOKEN) => {
    const req = api.httpWith({ alertWebhookToken: TOKEN }).post('/api/v1/alerts/alertmanager');
    return (token ? req.set('Authorization', `Bearer ${token}`) : req).send(body);
  };
  const openAlarms = async (alertname: string) =>
    (await new AlarmLog(api.db).ofPile(alertSubject(alertname))).filter((alarm) => alarm.kind === 'platform' && alarm.clearedAt === null);

  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(() => api.stop());

  it('records a firing alert as an open console alarm', async () => {
    await post(notification([anAlert({ alertname: 'EvcpSettlementFailed' })])).expect(204);
    const [alarm] = await openAlarms('EvcpSettlementFailed');
    expect(alarm).toMatchObject({ code: 'EvcpSettlementFailed', message: '[warning] API answers 7% of requests with 5xx — See the API logs.' });
    expect(alarm.raisedAt.toISOString()).toBe('2026-03-01T10:00:00.000Z');
  });

  it('keeps one open alarm when Alertmanager repeats the notification', async () => {
    await post(notification([anAlert({ alertname: 'EvcpApiSlow' })])).expect(204);
    await post(notification([anAlert({ alertname: 'EvcpApiSlow' })])).expect(204);
    expect(await openAlarms('EvcpApiSlow')).toHaveLength(1);
  });

  it('clears the alarm when every alert of that name is resolved', async () => {
    await post(notification([anAlert({ alertname: 'EvcpTargetDown' })])).expect(204);
    await post(notification([anAlert({ alertname: 'EvcpTargetDown', status: 'resolved', endsAt: '2026-03-01T10:30:00Z' })])).expect(204);
    expect(await openAlarms('EvcpTargetDown')).toHaveLength(0);
    const [cleared] = await new AlarmLog(api.db).ofPile(alertSubject('EvcpTargetDown'));
    expect(cleared.clearedAt!.toISOString()).toBe('2026-03-01T10:30:00.000Z');
  });

  it('keeps the alarm open while another instance of the alert still fires', async () => {
    await post(
      notification([
        anAlert({ alertname: 'EvcpNoGatewayRunning', status: 'resolved', endsAt: '2026-03-01T10:30:00Z', instance: 'gw-1' }),
        anAlert({ alertname: 'EvcpNoGatewayRunning', instance: 'gw-2' }),
      ]),
    ).expect(204);
    expect(await openAlarms('EvcpNoGatewayRunning')).toHaveLength(1);
  });

  it('refuses a notification without the bearer token', async () => {
    await post(notification([anAlert({ alertname: 'NoToken' })]), null).expect(401);
    expect(await openAlarms('NoToken')).toHaveLength(0);
  });

  it('refuses a notification with a wrong token', async () => {
    await post(notification([anAlert({ alertname: 'WrongToken' })]), 'x'.repeat(44)).expect(401);
    expect(await openAlarms('WrongToken')).toHaveLength(0);
  });

  it('answers 404 when no token is configured', async () => {
    await api.http.post('/api/v1/alerts/alertmanager').set('Authorization', `Bearer ${TOKEN}`).send(notification([anAlert()])).expect(404);
  });

  it.each([
    ['an unknown payload version', { ...notification([anAlert()]), version: '3' }],
    ['no alerts', notification([])],
    ['an alert without a name', notification([{ ...anAlert(), labels: { severity: 'critical' } }])],
    ['an alert name too long for the alarm table', notification([anAlert({ alertname: 'A'.repeat(59) })])],
    ['a start time that is not a time', notification([{ ...anAlert(), startsAt: 'yesterday' }])],
  ])('rejects %s with 400', async (_what, body) => {
    await post(body).expect(400);
  });
});
