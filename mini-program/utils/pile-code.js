const CODE = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * The pile code in what a QR code says: the bare code, or a link that carries it as `?code=` or as its last
 * path segment (https://…/p/<code>). Null when it names no pile.
 */
function pileCodeFrom(scanned) {
  const text = String(scanned || '').trim();
  if (CODE.test(text)) return text;
  const link = /^https?:\/\/[^/?#]+(\/[^?#]*)?(?:\?([^#]*))?/.exec(text);
  if (!link) return null;
  const query = (link[2] || '').split('&').map((pair) => pair.split('='));
  const fromQuery = query.find(([key]) => key === 'code');
  const candidate = fromQuery ? decodeURIComponent(fromQuery[1] || '') : (link[1] || '').split('/').filter(Boolean).pop();
  return candidate && CODE.test(candidate) ? candidate : null;
}

module.exports = { pileCodeFrom };
