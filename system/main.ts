import path from 'node:path';
import { loadConfig } from '../infra/config';
import { runMain } from '../infra/process';
import { startSystem, systemConfig } from './system';

/** `npm start`: the whole platform in one process, on embedded engines unless their URLs are set. */
runMain('evcp', async () => {
  const env = loadConfig(systemConfig);
  const system = await startSystem(env);
  const lines = [
    '',
    'EV charging control plane is running',
    `  API                ${system.apiUrl}/api/v1   (health: ${system.apiUrl}/healthz)`,
    `  WebSocket          ${system.apiUrl.replace(/^http/, 'ws')}/ws`,
    `  Operator console   ${system.apiUrl}/console/   (first sign-in: ${env.STAFF_ADMIN_USERNAME}, password in ${path.join(env.DATA_DIR, 'initial-admin-password')} unless STAFF_ADMIN_PASSWORD is set)`,
    `  OCPP 1.6J          ${system.ocppUrl}/ocpp/1.6/<chargePointId>`,
    `  Temporal           ${system.temporalAddress}`,
    ...(system.temporalUiUrl ? [`  Temporal Web UI    ${system.temporalUiUrl}`] : []),
    `  MQTT               ${system.mqttUrl}`,
    ...(system.fleet ? [`  Simulated piles    ${system.fleet.pileIds.length} (first: ${system.fleet.pileIds[0]})`] : []),
    'Press Ctrl-C to stop.',
    '',
  ];
  console.log(lines.join('\n'));
  return { stop: system.stop, logger: system.logger };
});
