const api = require('../../utils/api');

/** `{plate, model, connectorType}`. */
function addVehicle(vehicle) {
  return api.post('/vehicles', vehicle);
}

module.exports = { addVehicle };
