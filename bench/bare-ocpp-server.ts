import { RPCServer } from 'ocpp-rpc';

/**
 * Baseline of the OCPP benchmark: ocpp-rpc's own server in strict mode, as the central system runs it, that lets
 * every charger in and answers each call at once without doing anything (no credentials check, no stores).
 */
const ANSWERS: Record<string, () => object> = {
  BootNotification: () => ({ status: 'Accepted', currentTime: new Date().toISOString(), interval: Number(process.env.OCPP_HEARTBEAT_INTERVAL_SECONDS) }),
  Heartbeat: () => ({ currentTime: new Date().toISOString() }),
};
const server = new RPCServer({ protocols: ['ocpp1.6'], strictMode: true, respondWithDetailedErrors: false });
server.auth((accept) => accept({}, 'ocpp1.6'));
server.on('client', (client: { handle(handler: (call: { method: string }) => Promise<object>): void }) => {
  client.handle(async ({ method }) => ANSWERS[method]?.() ?? {});
});
void server.listen(Number(process.env.OCPP_PORT), '127.0.0.1').then(() => console.log('bare OCPP server listening'));
process.once('SIGTERM', () => void server.close({ force: true }).then(() => process.exit(0)));
