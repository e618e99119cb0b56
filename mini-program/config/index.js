/**
 * The one place that says where the API is. WeChat tells us which build is running: `develop` (DevTools and
 * "preview"), `trial` or `release`. Develop talks to a local `npm start` and signs in by dev login; the shipped
 * builds sign in with WeChat. Replace the example domain with your API's (it must be a legal request and socket
 * domain in the mini-program's admin console).
 */
const ENVIRONMENTS = {
  // The API's port is PORT of `npm start` (3000 unless set): started with PORT=8080, say http://localhost:8080 here.
  develop: { apiBaseUrl: 'http://localhost:3000', loginMode: 'dev', devLoginName: 'demo-driver' },
  trial: { apiBaseUrl: 'https://evcp-api.example.com', loginMode: 'wechat' },
  release: { apiBaseUrl: 'https://evcp-api.example.com', loginMode: 'wechat' },
};

function envVersion() {
  try {
    return wx.getAccountInfoSync().miniProgram.envVersion;
  } catch (error) {
    return 'develop';
  }
}

const env = ENVIRONMENTS[envVersion()] || ENVIRONMENTS.develop;

module.exports = Object.assign({}, env, {
  socketUrl: `${env.apiBaseUrl.replace(/^http/, 'ws')}/ws`,
  requestTimeoutMs: 10000,
  /** The bill's subscribe-message template (WeChat admin console); must equal the API's WECHAT_BILL_TEMPLATE_ID. Empty: not asked. */
  billTemplateId: '',
  searchRadiusKm: 10,
  /** While the live socket is down, pages refresh over REST this often. */
  pollIntervalMs: 5000,
  reconnectDelayMs: { first: 1000, max: 30000 },
});
