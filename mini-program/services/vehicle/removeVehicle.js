const api = require('../../utils/api');

function removeVehicle(vehicleId) {
  return api.delete(`/vehicles/${encodeURIComponent(vehicleId)}`);
}

module.exports = { removeVehicle };
