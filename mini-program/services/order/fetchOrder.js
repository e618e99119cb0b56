const api = require('../../utils/api');

/** An order with its bill, timeline and my review of it. */
function fetchOrder(orderId) {
  return api.get(`/orders/${encodeURIComponent(orderId)}`);
}

module.exports = { fetchOrder };
