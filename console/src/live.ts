import { onBeforeUnmount, ref } from 'vue';
import { session } from './api';

/** What the API pushes on /ws (live/live-state.ts and the fleet subscription of the contract). */
export type LiveMessage =
  | { type: 'ready' }
  | { type: 'subscribed'; stationId?: string; fleet?: boolean }
  | { type: 'pile.status'; stationId: string; pileId: string; status: string; at: string }
  | { type: 'session.progress'; sessionId: string; at: string; energyWh: number; powerW: number; costFen: number; elapsedSeconds: number; socPercent?: number }
  | { type: 'session.status'; sessionId: string; status: string; at: string; energyWh: number; costFen?: number }
  | { type: 'error'; error?: { code: string; message: string }; code?: string };

export type LiveTarget = { fleet: true } | { stationId: string } | { sessionId: string };

/**
 * A live feed for one page: connects to /ws, authenticates with the first message, subscribes to the targets and
 * reconnects (with backoff) when the socket drops; closed when the page unmounts.
 */
export function useLiveFeed(targets: () => LiveTarget[], onMessage: (message: LiveMessage) => void) {
  const connected = ref(false);
  let socket: WebSocket | undefined;
  let stopped = false;
  let retryMs = 1000;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;

  const connect = () => {
    const token = session.token();
    if (stopped || !token) return;
    const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
    const ws = new WebSocket(url);
    socket = ws;
    ws.onopen = () => ws.send(JSON.stringify({ type: 'auth', token }));
    ws.onmessage = (event) => {
      let message: LiveMessage;
      try {
        message = JSON.parse(String(event.data)) as LiveMessage;
      } catch {
        return;
      }
      if (message.type === 'ready') {
        connected.value = true;
        retryMs = 1000;
        for (const target of targets()) ws.send(JSON.stringify({ type: 'subscribe', ...target }));
      }
      onMessage(message);
    };
    ws.onclose = () => {
      connected.value = false;
      if (stopped) return;
      retryTimer = setTimeout(connect, retryMs);
      retryMs = Math.min(retryMs * 2, 30_000);
    };
  };

  const subscribe = (target: LiveTarget) => {
    if (socket?.readyState === WebSocket.OPEN && connected.value) socket.send(JSON.stringify({ type: 'subscribe', ...target }));
  };

  connect();
  onBeforeUnmount(() => {
    stopped = true;
    clearTimeout(retryTimer);
    socket?.close();
  });
  return { connected, subscribe };
}
