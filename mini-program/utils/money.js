/** Money is whole fen (1 yuan = 100 fen) everywhere; these are the only conversions, done on integers. */

/** 1234 → "12.34". */
function yuan(fen) {
  const value = Number(fen) || 0;
  const abs = Math.abs(value);
  return `${value < 0 ? '-' : ''}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** What the driver typed, "12" or "12.5" or "12.34", as fen; null when it is not an amount. */
function parseYuan(text) {
  const match = /^(\d{1,6})(?:\.(\d{1,2}))?$/.exec(String(text || '').trim());
  if (!match) return null;
  return Number(match[1]) * 100 + Number((match[2] || '').padEnd(2, '0'));
}

module.exports = { yuan, parseYuan };
