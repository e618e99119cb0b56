const api = require('../../utils/api');

/** Whether the driver enabled WeChat Pay Score for our service: `available`, `unavailable`, or `unknown`. */
async function fetchPayscoreState() {
  const { state } = await api.get('/payments/payscore/authorization');
  return state;
}

module.exports = { fetchPayscoreState };
