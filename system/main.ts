import { loadConfig } from '../infra/config';
import { runMain } from '../infra/process';
import { startSystem, systemConfig } from './system';

/** `npm start`: the whole platform in one process, on embedded engines unless their URLs are set. */
runMain('evcp', async () => {
  const system = await startSystem(loadConfig(systemConfig));
  const lines = [
    '',
    'EV charging control plane is running',
    `  API                ${system.apiUrl}/api/v1   (health: ${system.apiUrl}/healthz)`,
    `  WebSocket          ${system.apiUrl.replace(/^http/, 'ws')}/ws`,
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
