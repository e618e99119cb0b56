const api = require('../../utils/api');

/** Starts charging on the pile this reservation holds. */
function startReservedSession(sessionId) {
  return api.post(`/sessions/${encodeURIComponent(sessionId)}/start`);
}

module.exports = { startReservedSession };
