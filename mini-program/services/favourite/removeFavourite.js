const api = require('../../utils/api');

function removeFavourite(stationId) {
  return api.delete(`/favourites/${encodeURIComponent(stationId)}`);
}

module.exports = { removeFavourite };
