const { yuan, parseYuan } = require('../../utils/money');
const { kwh, kw, distance, duration } = require('../../utils/format');

describe('money and display formats', () => {
  it.each([
    [0, '0.00'],
    [5, '0.05'],
    [1234, '12.34'],
    [-250, '-2.50'],
  ])('shows %i fen as ¥%s', (fen, text) => expect(yuan(fen)).toBe(text));

  it.each([
    ['12', 1200],
    ['12.5', 1250],
    ['0.05', 5],
    [' 100.00 ', 10000],
    ['12.345', null],
    ['-3', null],
    ['abc', null],
    ['', null],
  ])('reads "%s" yuan as %p fen', (text, fen) => expect(parseYuan(text)).toBe(fen));

  it.each([
    [kwh(12345), '12.35'],
    [kwh(5), '0.01'],
    [kw(7000), '7'],
    [kw(7400), '7.4'],
    [distance(850), '850m'],
    [distance(1234), '1.2km'],
    [duration(3725), '01:02:05'],
  ])('formats %s', (actual, expected) => expect(actual).toBe(expected));
});
