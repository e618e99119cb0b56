const api = require('../../utils/api');

/** `{vehicles, connectorTypes}`. */
function fetchVehicles() {
  return api.get('/vehicles');
}

module.exports = { fetchVehicles };
