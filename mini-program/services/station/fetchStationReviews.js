const api = require('../../utils/api');

/** `{count, averageStars, reviews}` of a station, most recent first. */
function fetchStationReviews(stationId) {
  return api.get(`/stations/${encodeURIComponent(stationId)}/reviews`, { limit: 10 }, { anonymous: true });
}

module.exports = { fetchStationReviews };
