const config = require('../config/index');

/** What every failed call rejects with: the API's `{error: {code, message, field?}}`, or NETWORK when it was not reached. */
class ApiError extends Error {
  constructor({ status, code, message, field }) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.field = field;
  }
}

/** Drops undefined, null and '' values so they do not reach the query string as "undefined". */
function compact(data) {
  if (!data) return data;
  return Object.keys(data).reduce((kept, key) => {
    const value = data[key];
    if (value !== undefined && value !== null && value !== '') kept[key] = value;
    return kept;
  }, {});
}

/** One call to /api/v1: resolves with the JSON body of a 2xx answer, rejects with an ApiError otherwise. */
function send({ path, method = 'GET', data, token, headers }) {
  return new Promise((resolve, reject) => {
    wx.request({
      url: `${config.apiBaseUrl}/api/v1${path}`,
      method,
      data: method === 'GET' ? compact(data) : data,
      timeout: config.requestTimeoutMs,
      header: Object.assign({ 'content-type': 'application/json' }, token ? { Authorization: `Bearer ${token}` } : {}, headers),
      success(res) {
        if (res.statusCode >= 200 && res.statusCode < 300) {
          resolve(res.data === '' ? null : res.data);
          return;
        }
        const error = (res.data && res.data.error) || {};
        reject(
          new ApiError({
            status: res.statusCode,
            code: error.code || `HTTP_${res.statusCode}`,
            message: error.message || `服务暂时不可用（${res.statusCode}）`,
            field: error.field,
          }),
        );
      },
      fail() {
        reject(new ApiError({ status: 0, code: 'NETWORK', message: '网络不可用，请检查网络后重试' }));
      },
    });
  });
}

module.exports = { ApiError, send };
