const api = require('../../utils/api');

function fetchTransactions() {
  return api.get('/wallet/transactions', { limit: 50 }).then((body) => body.transactions);
}

module.exports = { fetchTransactions };
