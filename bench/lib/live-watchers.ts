import WebSocket from 'ws';
import { TokenService } from '../../api/auth';
import type { LiveMessage } from '../../live/live-state';
import { mapLimited } from './concurrency';

export interface WatcherPlan {
  userId: string;
  sessions: string[];
  stations: string[];
}

/**
 * WebSocket clients of the API's /ws, each a driver following their sessions and some stations, as the
 * mini-program does. Every message is handed to `onMessage` with the time it arrived.
 */
export class LiveWatchers {
  private constructor(private readonly sockets: WebSocket[]) {}

  static async connect(apiUrl: string, jwtSecret: string, plans: WatcherPlan[], onMessage: (message: LiveMessage, receivedAt: number) => void): Promise<LiveWatchers> {
    const tokens = new TokenService({ secret: jwtSecret });
    const sockets: WebSocket[] = [];
    await mapLimited(plans, 20, async (plan) => {
      const ws = new WebSocket(`${apiUrl.replace(/^http/, 'ws')}/ws?token=${encodeURIComponent(tokens.issue({ id: plan.userId, name: plan.userId, role: 'driver' }))}`);
      sockets.push(ws);
      let awaited = 1 + plan.sessions.length + plan.stations.length; // ready, then one answer per subscription
      await new Promise<void>((resolve, reject) => {
        ws.on('message', (raw) => {
          const receivedAt = Date.now();
          const message = JSON.parse(raw.toString());
          if (message.type === 'error') reject(new Error(`websocket: ${JSON.stringify(message.error)}`));
          if (awaited > 0 && ['ready', 'session.status', 'subscribed'].includes(message.type) && --awaited === 0) resolve();
          onMessage(message, receivedAt);
        });
        ws.once('error', reject);
        ws.once('open', () => {
          for (const sessionId of plan.sessions) ws.send(JSON.stringify({ type: 'subscribe', sessionId }));
          for (const stationId of plan.stations) ws.send(JSON.stringify({ type: 'subscribe', stationId }));
        });
      });
    });
    return new LiveWatchers(sockets);
  }

  close(): void {
    for (const ws of this.sockets) ws.terminate();
  }
}
