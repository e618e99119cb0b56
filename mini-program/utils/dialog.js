const { showError } = require('./toast');

/** Asks the driver; resolves true when they confirm. */
function confirm(options) {
  return new Promise((resolve) => wx.showModal(Object.assign({}, options, { success: (res) => resolve(res.confirm), fail: () => resolve(false) })));
}

/** A refused start or reservation: a short balance offers the wallet, anything else is shown as it is. */
async function explainRefusal(error) {
  if (error.code !== 'INSUFFICIENT_BALANCE') {
    showError(error);
    return;
  }
  if (await confirm({ title: '余额不足', content: error.message, confirmText: '去充值' })) wx.navigateTo({ url: '/pages/wallet/index/index' });
}

module.exports = { confirm, explainRefusal };
