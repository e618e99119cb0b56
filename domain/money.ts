/** Money is integer fen (CNY minor units); energy is integer watt-hours. No floats on money paths. */
export type Fen = number;
export type Wh = number;

/**
 * Price of `energyWh` at `fenPerKwh`, rounded half up to the fen.
 * Integer arithmetic only: (Wh × fen/kWh) / 1000.
 */
export function priceEnergy(energyWh: Wh, fenPerKwh: Fen): Fen {
  if (!Number.isSafeInteger(energyWh) || energyWh < 0) throw new RangeError(`energyWh must be a non-negative integer, got ${energyWh}`);
  if (!Number.isSafeInteger(fenPerKwh) || fenPerKwh < 0) throw new RangeError(`fenPerKwh must be a non-negative integer, got ${fenPerKwh}`);
  return Math.floor((energyWh * fenPerKwh + 500) / 1000);
}

/** "12.30" yuan (as payment providers write amounts) to 1230 fen, exactly: digits only, at most two decimals. */
export function fenFromYuan(text: string): Fen {
  const match = /^(-?)(\d{1,12})(?:\.(\d{1,2}))?$/.exec(text.trim());
  if (!match) throw new RangeError(`not an amount in yuan: "${text}"`);
  const fen = Number(match[2]) * 100 + Number((match[3] ?? '').padEnd(2, '0'));
  return match[1] ? -fen : fen;
}
