const api = require('../../utils/api');

/** A page of my orders, newest first; pass the `nextBefore` of one page to get the next (null after the last). */
function fetchOrders(before) {
  return api.get('/orders', { limit: 20, before });
}

module.exports = { fetchOrders };
