const { pileCodeFrom } = require('../../utils/pile-code');

describe('reading a pile code from a QR code', () => {
  it.each([
    ['demo-station-p01', 'demo-station-p01'],
    ['https://evcp.example.com/p/demo-station-p02', 'demo-station-p02'],
    ['https://evcp.example.com/start?code=PILE_7&from=qr', 'PILE_7'],
    ['https://evcp.example.com/', null],
    ['WIFI:S:cafe;P:secret;;', null],
    ['', null],
  ])('reads "%s" as %p', (scanned, code) => expect(pileCodeFrom(scanned)).toBe(code));
});
