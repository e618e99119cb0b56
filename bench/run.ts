import { spawn } from 'node:child_process';
import { killAllChildren } from './lib/child';
import { parseFlags } from './lib/flags';
import { note, printReport, type ScenarioReport } from './lib/report';
import type { Flags } from './lib/flags';
import { activeSessionsScenario } from './active-sessions';
import { nearbyStationsScenario } from './nearby-stations';
import { ocppScenario } from './ocpp';
import { recoveryScenario } from './recovery';
import { replayScenario } from './replay';
import { sessionStartsScenario } from './session-starts';
import { telemetryScenario } from './telemetry';
import { statsRollupScenario } from './stats-rollup';

/**
 * `npm run bench` runs every scenario; `npm run bench -- telemetry` one of them; `--smoke` runs each at a tiny
 * size (CI: the scripts keep working). Exits non-zero when a scenario breaks, never because a goal was missed.
 */
const SCENARIOS: Record<string, (flags: Flags) => Promise<ScenarioReport>> = {
  telemetry: telemetryScenario,
  'session-starts': sessionStartsScenario,
  'active-sessions': activeSessionsScenario,
  'nearby-stations': nearbyStationsScenario,
  recovery: recoveryScenario,
  replay: replayScenario,
  'stats-rollup': statsRollupScenario,
  ocpp: ocppScenario,
};

async function main(): Promise<number> {
  const flags = parseFlags(process.argv.slice(2));
  const unknown = flags.names.filter((name) => !(name in SCENARIOS));
  if (unknown.length) {
    console.error(`unknown scenario ${unknown.join(', ')}; choose from ${Object.keys(SCENARIOS).join(', ')}`);
    return 2;
  }
  let broken = 0;
  const run = async (name: string) => {
    const started = Date.now();
    try {
      printReport(await SCENARIOS[name](flags));
    } catch (error) {
      broken++;
      console.error(`scenario ${name} broke:`, error);
    }
    note(`${name} took ${Math.round((Date.now() - started) / 1000)} s`);
  };
  const names = flags.names.length ? flags.names : Object.keys(SCENARIOS);
  // A smoke run only proves the scripts work, so its scenarios may share the machine, each in a process of its
  // own (the database models are per process); measured runs never share it.
  if (flags.smoke && names.length > 1) return (await Promise.all(names.map(smokeInOwnProcess))).some((code) => code !== 0) ? 1 : 0;
  for (const name of names) await run(name);
  return broken ? 1 : 0;
}

function smokeInOwnProcess(name: string): Promise<number | null> {
  const child = spawn(process.execPath, [__filename, name, ...process.argv.slice(2).filter((arg) => !(arg in SCENARIOS))], { stdio: 'inherit' });
  return new Promise((resolve) => child.once('exit', resolve));
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    killAllChildren();
    process.exit(130);
  });
}

void main().then((code) => process.exit(code));
