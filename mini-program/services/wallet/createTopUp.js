const api = require('../../utils/api');

function requestPayment(payment) {
  return new Promise((resolve, reject) => wx.requestPayment(Object.assign({}, payment, { success: resolve, fail: reject })));
}

/**
 * Tops the wallet up. When the API's payment provider answers with WeChat Pay parameters
 * (`payment: {timeStamp, nonceStr, package, signType, paySign}`) the driver pays in WeChat's sheet first; the
 * sandbox provider confirms at once and sends none. Resolves `{paid: false}` when the driver closes the sheet.
 */
async function createTopUp(amountFen, idempotencyKey) {
  const answer = await api.post('/wallet/top-ups', { amountFen }, { headers: { 'Idempotency-Key': idempotencyKey } });
  if (!answer.payment) return { paid: true, topUp: answer.topUp };
  try {
    await requestPayment(answer.payment);
  } catch (error) {
    if (/cancel/.test((error && error.errMsg) || '')) return { paid: false, topUp: answer.topUp };
    throw Object.assign(new Error('支付未完成，请重试'), { code: 'PAYMENT_FAILED' });
  }
  return { paid: true, topUp: answer.topUp };
}

module.exports = { createTopUp };
