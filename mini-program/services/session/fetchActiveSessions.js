const api = require('../../utils/api');

/** My reservations and sessions still going on, each with its station and pile. */
function fetchActiveSessions() {
  return api.get('/me/active-sessions').then((body) => body.sessions);
}

module.exports = { fetchActiveSessions };
