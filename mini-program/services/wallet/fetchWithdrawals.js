const api = require('../../utils/api');

/** My withdrawals, newest first, each with its refunds and their status. */
function fetchWithdrawals() {
  return api.get('/wallet/withdrawals', { limit: 20 }).then((body) => body.withdrawals);
}

module.exports = { fetchWithdrawals };
