import WebSocket from 'ws';

type Callback<T> = (value: T) => void;

/**
 * The part of WeChat's `wx` that the mini-program's services and live channel call, carried over real HTTP and
 * WebSocket, so they can be run against a running API exactly as a phone would reach it.
 */
export function wxOverNetwork() {
  const storage = new Map<string, unknown>();
  return {
    getStorageSync: (key: string) => storage.get(key) ?? '',
    setStorageSync: (key: string, value: unknown) => void storage.set(key, value),
    removeStorageSync: (key: string) => void storage.delete(key),

    request(options: { url: string; method: string; data?: Record<string, unknown>; header: Record<string, string>; success: Callback<{ statusCode: number; data: unknown }>; fail: Callback<{ errMsg: string }> }) {
      const { url, method, data, header, success, fail } = options;
      const target = new URL(url);
      // Like wx.request: a GET's data becomes the query string, any other method's the JSON body.
      if (method === 'GET') for (const [key, value] of Object.entries(data ?? {})) target.searchParams.set(key, String(value));
      const body = method === 'GET' || data === undefined ? undefined : JSON.stringify(data);
      fetch(target, { method, headers: header, body })
        .then(async (response) => {
          const text = await response.text();
          success({ statusCode: response.status, data: text ? JSON.parse(text) : '' });
        })
        .catch((error: Error) => fail({ errMsg: `request:fail ${error.message}` }));
    },

    connectSocket({ url }: { url: string }) {
      const socket = new WebSocket(url);
      return {
        onOpen: (handler: Callback<object>) => socket.on('open', () => handler({})),
        onMessage: (handler: Callback<{ data: string }>) => socket.on('message', (data) => handler({ data: data.toString() })),
        onClose: (handler: Callback<{ code: number }>) => socket.on('close', (code) => handler({ code })),
        onError: (handler: Callback<{ errMsg: string }>) => socket.on('error', (error) => handler({ errMsg: error.message })),
        send: ({ data }: { data: string }) => socket.send(data),
        close: () => socket.close(),
      };
    },
  };
}
