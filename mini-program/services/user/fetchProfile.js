const api = require('../../utils/api');

function fetchProfile() {
  return api.get('/me');
}

module.exports = { fetchProfile };
