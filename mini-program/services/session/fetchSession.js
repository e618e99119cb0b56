const api = require('../../utils/api');

/** The session's state now (live while it runs), with its timeline. */
function fetchSession(sessionId) {
  return api.get(`/sessions/${encodeURIComponent(sessionId)}`);
}

module.exports = { fetchSession };
