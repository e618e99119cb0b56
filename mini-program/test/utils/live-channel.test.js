const { installFakeWx } = require('../support/fake-wx');
const { settle } = require('../support/render');

describe('the live channel', () => {
  let fake;
  let openLiveChannel;
  let received;
  let fallbacks;
  let states;
  let channel;

  const latestSocket = () => fake.sockets[fake.sockets.length - 1];
  const open = () => {
    channel = openLiveChannel({
      target: { sessionId: 's-1' },
      onMessage: (m) => received.push(m),
      onFallback: () => fallbacks.push(Date.now()),
      onStateChange: (s) => states.push(s),
    });
  };

  beforeEach(() => {
    jest.useFakeTimers();
    jest.resetModules();
    fake = installFakeWx();
    require('../../utils/auth').saveSession({ token: 'tok', user: {} });
    ({ openLiveChannel } = require('../../utils/live-channel'));
    received = [];
    fallbacks = [];
    states = [];
  });

  afterEach(() => {
    channel.close();
    jest.useRealTimers();
  });

  it('connects with the token and subscribes to its target once open', async () => {
    open();
    await settle();
    expect(latestSocket().url).toBe('ws://localhost:3000/ws?token=tok');
    latestSocket().open();
    expect(latestSocket().sent).toEqual([{ type: 'subscribe', sessionId: 's-1' }]);
    expect(states).toEqual(['live']);
  });

  it('hands every message to the page', async () => {
    open();
    await settle();
    latestSocket().open();
    latestSocket().receive({ type: 'session.progress', energyWh: 1200 });
    expect(received).toEqual([{ type: 'session.progress', energyWh: 1200 }]);
  });

  it('falls back to REST at once and every poll interval while the socket is down', async () => {
    open();
    await settle();
    latestSocket().open();
    latestSocket().drop();
    expect(states).toEqual(['live', 'offline']);
    expect(fallbacks).toHaveLength(1);
    // Keep the reconnects failing so the fallback goes on.
    fake.online = false;
    await jest.advanceTimersByTimeAsync(5000);
    expect(fallbacks).toHaveLength(2);
    await jest.advanceTimersByTimeAsync(5000);
    expect(fallbacks).toHaveLength(3);
  });

  it('reconnects after 1 s, then 2 s, 4 s …, and stops polling once back', async () => {
    open();
    await settle();
    latestSocket().drop();
    await jest.advanceTimersByTimeAsync(999);
    expect(fake.sockets).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(1);
    expect(fake.sockets).toHaveLength(2);
    latestSocket().drop();
    await jest.advanceTimersByTimeAsync(1999);
    expect(fake.sockets).toHaveLength(2);
    await jest.advanceTimersByTimeAsync(1);
    expect(fake.sockets).toHaveLength(3);

    latestSocket().open();
    const polled = fallbacks.length;
    await jest.advanceTimersByTimeAsync(20000);
    expect(fallbacks).toHaveLength(polled);
    expect(states[states.length - 1]).toBe('live');
    expect(latestSocket().sent).toEqual([{ type: 'subscribe', sessionId: 's-1' }]);
  });

  it('ignores a socket it has given up on', async () => {
    open();
    await settle();
    const first = latestSocket();
    first.drop();
    await jest.advanceTimersByTimeAsync(1000);
    latestSocket().open();
    first.receive({ type: 'session.progress', energyWh: 1 });
    first.drop();
    expect(received).toEqual([]);
    expect(states[states.length - 1]).toBe('live');
  });

  it('drops a refused token so the next connection signs in again', async () => {
    open();
    await settle();
    latestSocket().open();
    latestSocket().receive({ type: 'error', error: { code: 'UNAUTHENTICATED', message: 'expired' } });
    expect(require('../../utils/auth').currentSession()).toBeNull();
  });

  it('stops reconnecting and polling when closed', async () => {
    open();
    await settle();
    latestSocket().drop();
    channel.close();
    const polled = fallbacks.length;
    await jest.advanceTimersByTimeAsync(60000);
    expect(fake.sockets).toHaveLength(1);
    expect(fallbacks).toHaveLength(polled);
  });
});
