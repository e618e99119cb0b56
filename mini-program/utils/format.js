/** Display formats for energy, power, distance and time. Inputs are the API's integers (Wh, W, m) and ISO 8601 times. */

const pad = (n) => String(n).padStart(2, '0');

/** 12345 Wh → "12.35" (kWh, two decimals). */
function kwh(wh) {
  const hundredths = Math.round((Number(wh) || 0) / 10);
  return `${Math.floor(hundredths / 100)}.${pad(hundredths % 100)}`;
}

/** 7000 W → "7", 7400 W → "7.4" (kW). */
function kw(w) {
  return ((Number(w) || 0) / 1000).toFixed(1).replace(/\.0$/, '');
}

/** 850 → "850m", 1234 → "1.2km". */
function distance(m) {
  if (m === undefined || m === null) return '';
  return m < 1000 ? `${Math.round(m)}m` : `${(m / 1000).toFixed(1)}km`;
}

/** 3725 s → "01:02:05". */
function duration(seconds) {
  const s = Math.max(0, Math.floor(seconds));
  return `${pad(Math.floor(s / 3600))}:${pad(Math.floor((s % 3600) / 60))}:${pad(s % 60)}`;
}

/** An instant (an ISO 8601 string, or epoch ms for the phone's own clock) as "11-26 08:05" in the phone's time zone. */
function dateTime(at) {
  if (!at) return '';
  const d = new Date(at);
  return `${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** An instant as "08:05". */
function clock(at) {
  const d = new Date(at);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

module.exports = { kwh, kw, distance, duration, dateTime, clock };
