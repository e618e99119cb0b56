const api = require('../../utils/api');

/** The ways a driver may pay for a session here: `wallet`, and `payscore` (WeChat Pay Score, pay after charging) when offered. */
async function fetchPaymentModes() {
  const { paymentModes } = await api.get('/sessions/payment-modes');
  return paymentModes;
}

module.exports = { fetchPaymentModes };
