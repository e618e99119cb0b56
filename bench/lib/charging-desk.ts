import { SequelizeSessionStore } from '../../db/session-store';
import type { Database } from '../../db/database';
import { DEMO_TARIFF } from '../../system/seed-demo';
import { MqttPileCommands } from '../../infra/mqtt-pile-commands';
import { pileTopics } from '../../device-protocol/topics';
import { newCommandId, newCommandNonce } from '../../device-protocol/commands';
import type { LiveState } from '../../live/live-state';
import type { MqttClient } from '../../infra/mqtt';
import { sessionWorkflowId } from '../../workflows/charging-session.messages';
import { paced } from './concurrency';

/** Starts and stops per second: a fleet-wide change spread over seconds, as a real fleet's would be. */
const CHANGES_PER_SECOND = 500;

export interface DeskSession {
  sessionId: string;
  pileId: string;
  stationId: string;
  userId: string;
}

/**
 * Plays the session side for the telemetry benchmark, which is about the pile → driver path and not about
 * workflows: it opens sessions as the session activities do (hot state, and a database record for the ones a
 * driver follows) and sends the piles their signed start and stop commands as the worker does.
 */
export class ChargingDesk {
  private readonly commands: MqttPileCommands;
  private readonly store?: SequelizeSessionStore;

  constructor(private readonly deps: { mqtt: MqttClient; masterKey: string; live?: LiveState; db?: Database }) {
    this.commands = new MqttPileCommands({ mqtt: deps.mqtt, masterKey: deps.masterKey, topics: pileTopics() });
    this.store = deps.db && new SequelizeSessionStore(deps.db);
  }

  /** Opens the sessions (when the desk has live state) and commands each pile to start charging. */
  async start(sessions: DeskSession[], options: { recorded?: Set<string> } = {}): Promise<void> {
    await paced(sessions, CHANGES_PER_SECOND, async (session) => {
      const request = { ...session, workflowId: sessionWorkflowId(session.sessionId), status: 'AUTHORIZING' as const, limits: {}, tariff: DEMO_TARIFF, at: Date.now() };
      if (options.recorded?.has(session.sessionId)) await this.store!.open(request);
      await this.deps.live?.sessionOpened(request);
      await this.commands.send({ commandId: newCommandId(), nonce: newCommandNonce(), pileId: session.pileId, type: 'start', sessionId: session.sessionId, ttlSeconds: 120 });
    });
  }

  async stop(sessions: DeskSession[]): Promise<void> {
    await paced(sessions, CHANGES_PER_SECOND, (s) => this.commands.send({ commandId: newCommandId(), nonce: newCommandNonce(), pileId: s.pileId, type: 'stop', sessionId: s.sessionId, ttlSeconds: 120 }));
  }
}
