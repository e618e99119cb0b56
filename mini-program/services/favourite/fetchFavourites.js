const api = require('../../utils/api');

function fetchFavourites() {
  return api.get('/favourites').then((body) => body.stations);
}

module.exports = { fetchFavourites };
