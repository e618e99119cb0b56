const api = require('../../utils/api');

function stopSession(sessionId) {
  return api.post(`/sessions/${encodeURIComponent(sessionId)}/stop`);
}

module.exports = { stopSession };
