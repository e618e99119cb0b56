const api = require('../../utils/api');

/** A station with its piles' live status, its tariff and the price in force now. */
function fetchStation(stationId) {
  return api.get(`/stations/${encodeURIComponent(stationId)}`, undefined, { anonymous: true });
}

module.exports = { fetchStation };
