const api = require('../../utils/api');

function cancelReservation(sessionId) {
  return api.post(`/sessions/${encodeURIComponent(sessionId)}/cancel`);
}

module.exports = { cancelReservation };
