const api = require('../../utils/api');

/** `{pile, station}` for the code on a pile's QR label. */
function fetchPile(code) {
  return api.get(`/piles/${encodeURIComponent(code)}`, undefined, { anonymous: true });
}

module.exports = { fetchPile };
