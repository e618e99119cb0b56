const api = require('../../utils/api');

function addFavourite(stationId) {
  return api.put(`/favourites/${encodeURIComponent(stationId)}`);
}

module.exports = { addFavourite };
