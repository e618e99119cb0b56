const config = require('../config/index');
const { ApiError, send } = require('./http');

const STORAGE_KEY = 'evcp.session';
let signingIn = null;

/** `{token, user}` of the signed-in driver, or null. */
function currentSession() {
  return wx.getStorageSync(STORAGE_KEY) || null;
}

function saveSession(session) {
  wx.setStorageSync(STORAGE_KEY, { token: session.token, user: session.user });
}

function clearSession() {
  wx.removeStorageSync(STORAGE_KEY);
}

function wechatLoginCode() {
  return new Promise((resolve, reject) => {
    wx.login({
      success: (res) => resolve(res.code),
      fail: () => reject(new ApiError({ status: 0, code: 'WECHAT_LOGIN_FAILED', message: '微信登录失败，请重试' })),
    });
  });
}

async function signIn() {
  if (config.loginMode === 'wechat') {
    const code = await wechatLoginCode();
    return send({ path: '/auth/wechat-login', method: 'POST', data: { code } });
  }
  return send({ path: '/auth/dev-login', method: 'POST', data: { name: config.devLoginName, role: 'driver' } });
}

/** The token of the signed-in driver, signing in first when there is none; concurrent callers share one sign-in. */
async function ensureToken() {
  const session = currentSession();
  if (session) return session.token;
  if (!signingIn) {
    signingIn = signIn()
      .then((signedIn) => {
        saveSession(signedIn);
        return signedIn;
      })
      .finally(() => {
        signingIn = null;
      });
  }
  return (await signingIn).token;
}

module.exports = { currentSession, saveSession, clearSession, ensureToken };
