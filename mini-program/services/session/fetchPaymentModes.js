const api = require('../../utils/api');

/**
 * The ways a driver may pay for a session here: `paymentModes` has `wallet`, and `payscore` (WeChat Pay Score, pay
 * after charging) when offered; then `payscoreEnabled` says whether this driver has enabled it (else offer 开通).
 */
async function fetchPaymentModes() {
  const { paymentModes, payscoreEnabled } = await api.get('/sessions/payment-modes');
  return { paymentModes, payscoreEnabled: payscoreEnabled === true };
}

module.exports = { fetchPaymentModes };
