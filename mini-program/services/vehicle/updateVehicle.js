const api = require('../../utils/api');

function updateVehicle(vehicleId, changes) {
  return api.patch(`/vehicles/${encodeURIComponent(vehicleId)}`, changes);
}

module.exports = { updateVehicle };
