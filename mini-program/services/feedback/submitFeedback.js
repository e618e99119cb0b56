const api = require('../../utils/api');

/** `{kind: 'complaint'|'suggestion', content, stationId?, sessionId?}`. */
function submitFeedback(feedback) {
  return api.post('/feedback', feedback);
}

module.exports = { submitFeedback };
