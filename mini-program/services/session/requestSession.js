const api = require('../../utils/api');

/**
 * Starts charging on a pile now, or reserves it (`reserve: true`). `limits`: {maxAmountFen} or {targetEnergyWh},
 * or none to charge until full. `paymentMode`: `wallet` (the balance) or `payscore` (WeChat Pay Score, paid after
 * charging). The same `idempotencyKey` answers a repeated tap with the same session.
 */
function requestSession({ pileCode, reserve = false, limits = {}, paymentMode = 'wallet' }, idempotencyKey) {
  return api.post('/sessions', { pileCode, reserve, limits, paymentMode }, { headers: { 'Idempotency-Key': idempotencyKey } });
}

module.exports = { requestSession };
