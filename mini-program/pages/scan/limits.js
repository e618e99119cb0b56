const { parseYuan } = require('../../utils/money');

/**
 * The driver's stop condition as the API takes it: `full` charges until the car or the pre-authorization says
 * stop; `amount` is yuan (becomes maxAmountFen), `energy` is kWh with at most one decimal (becomes targetEnergyWh).
 * Returns `{limits}` or `{error}` in words.
 */
function limitsFrom({ mode, value }) {
  if (mode === 'amount') {
    const fen = parseYuan(value);
    if (!fen || fen < 100) return { error: '请输入至少 1 元的金额' };
    if (fen > 1000000) return { error: '单次充电金额不超过 10000 元' };
    return { limits: { maxAmountFen: fen } };
  }
  if (mode === 'energy') {
    const match = /^(\d{1,3})(?:\.(\d))?$/.exec(String(value || '').trim());
    const wh = match ? Number(match[1]) * 1000 + Number(match[2] || 0) * 100 : 0;
    if (wh < 1000) return { error: '请输入至少 1 度的电量' };
    if (wh > 500000) return { error: '单次充电电量不超过 500 度' };
    return { limits: { targetEnergyWh: wh } };
  }
  return { limits: {} };
}

module.exports = { limitsFrom };
