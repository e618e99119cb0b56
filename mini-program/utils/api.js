const auth = require('./auth');
const { send } = require('./http');

/** Calls the API as the signed-in driver; a refused token (401) is dropped and the call made once more after signing in again. */
async function call(options) {
  if (options.anonymous) return send(options);
  try {
    return await send(Object.assign({}, options, { token: await auth.ensureToken() }));
  } catch (error) {
    if (error.status !== 401) throw error;
    auth.clearSession();
    return send(Object.assign({}, options, { token: await auth.ensureToken() }));
  }
}

const withMethod = (method) => (path, data, options) => call(Object.assign({ path, method, data }, options));

/** The only way pages reach the API (through services/): `api.get('/stations', {lat, lng}, {anonymous: true})`. */
module.exports = {
  get: withMethod('GET'),
  post: withMethod('POST'),
  put: withMethod('PUT'),
  patch: withMethod('PATCH'),
  delete: withMethod('DELETE'),
};
