const { showError } = require('./toast');

/** Asks the driver; resolves true when they confirm. */
function confirm(options) {
  return new Promise((resolve) => wx.showModal(Object.assign({}, options, { success: (res) => resolve(res.confirm), fail: () => resolve(false) })));
}

/** What a frozen driver reads: what stops, what still works, and where to ask. */
const FROZEN = {
  title: '账户已冻结',
  content: '你的账户已被冻结，暂时不能充电、预约或充值。正在进行的充电会正常结束，余额仍可申请退款。如有疑问请联系客服。',
  confirmText: '联系客服',
};

/**
 * A refused start, reservation or top-up: a short balance offers the wallet, a frozen account says so and offers to
 * write to support, anything else is shown as it is.
 */
async function explainRefusal(error) {
  if (error.code === 'ACCOUNT_FROZEN') {
    if (await confirm(FROZEN)) wx.navigateTo({ url: '/pages/user/feedback-new/index' });
    return;
  }
  if (error.code !== 'INSUFFICIENT_BALANCE') {
    showError(error);
    return;
  }
  if (await confirm({ title: '余额不足', content: error.message, confirmText: '去充值' })) wx.navigateTo({ url: '/pages/wallet/index/index' });
}

module.exports = { confirm, explainRefusal };
