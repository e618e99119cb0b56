const api = require('../../utils/api');

/** `{balanceFen, heldFen}`. */
function fetchWallet() {
  return api.get('/wallet');
}

module.exports = { fetchWallet };
