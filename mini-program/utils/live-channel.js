const config = require('../config/index');
const auth = require('./auth');

/**
 * A live feed from the API's WebSocket for one session (`{sessionId}`) or station (`{stationId}`).
 *
 * It subscribes as soon as the socket opens and hands every message to `onMessage`. When the socket drops (or
 * never opens) it reconnects after 1 s, 2 s, 4 s … up to 30 s, and until it is back it calls `onFallback`
 * right away and then every `pollIntervalMs`, so the page keeps refreshing over REST. `onStateChange` hears
 * 'live' or 'offline'. `close()` ends it all (call it from the page's onUnload).
 */
function openLiveChannel({ target, onMessage, onFallback, onStateChange }) {
  let socket = null;
  let closed = false;
  let failures = 0;
  let reconnectTimer = null;
  let pollTimer = null;
  let state = 'connecting';

  const setState = (next) => {
    if (state === next) return;
    state = next;
    if (onStateChange) onStateChange(next);
  };

  const stopPolling = () => {
    clearInterval(pollTimer);
    pollTimer = null;
  };

  const startPolling = () => {
    if (pollTimer || !onFallback) return;
    onFallback();
    pollTimer = setInterval(onFallback, config.pollIntervalMs);
  };

  function connectionLost() {
    if (closed) return;
    socket = null;
    setState('offline');
    startPolling();
    if (reconnectTimer) return;
    const delay = Math.min(config.reconnectDelayMs.first * 2 ** failures, config.reconnectDelayMs.max);
    failures += 1;
    reconnectTimer = setTimeout(() => {
      reconnectTimer = null;
      connect();
    }, delay);
  }

  async function connect() {
    let token;
    try {
      token = await auth.ensureToken();
    } catch (error) {
      connectionLost();
      return;
    }
    if (closed) return;
    const current = wx.connectSocket({ url: `${config.socketUrl}?token=${encodeURIComponent(token)}` });
    socket = current;
    // Events of a socket we already gave up on must not disturb its successor.
    const mine = (handler) => (event) => socket === current && handler(event);
    current.onOpen(
      mine(() => {
        failures = 0;
        stopPolling();
        setState('live');
        current.send({ data: JSON.stringify(Object.assign({ type: 'subscribe' }, target)) });
      }),
    );
    current.onMessage(
      mine((event) => {
        let message;
        try {
          message = JSON.parse(event.data);
        } catch (error) {
          return;
        }
        if (message.type === 'error' && message.error && message.error.code === 'UNAUTHENTICATED') auth.clearSession();
        onMessage(message);
      }),
    );
    current.onClose(mine(connectionLost));
    current.onError(mine(connectionLost));
  }

  connect();

  return {
    get state() {
      return state;
    },
    close() {
      closed = true;
      clearTimeout(reconnectTimer);
      stopPolling();
      if (socket) socket.close({});
      socket = null;
    },
  };
}

module.exports = { openLiveChannel };
