const api = require('../../utils/api');

/** Sends `amountFen` of the balance back to WeChat Pay (refunded against the top-ups it came from). */
function createWithdrawal(amountFen, idempotencyKey) {
  return api.post('/wallet/withdrawals', { amountFen }, { headers: { 'Idempotency-Key': idempotencyKey } });
}

module.exports = { createWithdrawal };
