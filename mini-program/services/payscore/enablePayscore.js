const api = require('../../utils/api');

/** WeChat Pay Score's own mini-program, where a driver enables a merchant's service (免确认模式). */
const PAYSCORE_APP = { appId: 'wxd8f3793ea3b935b8', path: 'pages/use/enable' };

function navigateToMiniProgram(options) {
  return new Promise((resolve, reject) => wx.navigateToMiniProgram(Object.assign({}, options, { success: resolve, fail: reject })));
}

/**
 * Starts enabling WeChat Pay Score for our service: asks the API for the authorization token and opens the Payscore
 * mini-program with it. Resolves `{opened: false}` when the driver did not go there; whether they enabled it is known
 * only afterwards (WeChat Pay tells the platform): read it again when the page shows again.
 */
async function enablePayscore() {
  const { applyPermissionsToken } = await api.post('/payments/payscore/authorization', {});
  try {
    await navigateToMiniProgram(Object.assign({}, PAYSCORE_APP, { extraData: { apply_permissions_token: applyPermissionsToken } }));
  } catch (error) {
    return { opened: false };
  }
  return { opened: true };
}

module.exports = { enablePayscore, PAYSCORE_APP };
