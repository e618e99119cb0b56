const api = require('../../utils/api');

/** Stations near a position, nearest first (or all, without a position); `type` 'fast'|'slow', `availableOnly` an idle pile now. */
function fetchNearbyStations({ lat, lng, radiusKm, type, availableOnly }) {
  return api.get('/stations', { lat, lng, radiusKm, type, available: availableOnly ? 'true' : undefined }, { anonymous: true }).then((body) => body.stations);
}

module.exports = { fetchNearbyStations };
