const api = require('../../utils/api');

/** My complaints and suggestions, newest first, each with its status and replies. */
function fetchFeedbackList() {
  return api.get('/feedback').then((body) => body.feedback);
}

module.exports = { fetchFeedbackList };
