const { yuan } = require('../utils/money');
const { kwh } = require('../utils/format');

/** A settled bill: energy and fees per tariff band, then what was held, paid, refunded and left uncollected. */
function presentBill(bill) {
  return {
    lines: bill.lines.map((line) => ({
      band: line.band,
      energy: kwh(line.energyWh),
      unitPrice: yuan(line.electricityFenPerKwh + line.serviceFenPerKwh),
      electricity: yuan(line.electricityFen),
      service: yuan(line.serviceFen),
    })),
    energy: kwh(bill.energyWh),
    electricityFee: yuan(bill.electricityFen),
    serviceFee: yuan(bill.serviceFen),
    idleFee: yuan(bill.idleFeeFen),
    idleMinutes: bill.idleMinutes,
    total: yuan(bill.totalFen),
    held: yuan(bill.heldFen),
    paid: yuan(bill.capturedFen),
    refund: yuan(bill.releasedFen),
    uncollected: bill.uncollectedFen > 0 ? yuan(bill.uncollectedFen) : '',
  };
}

module.exports = { presentBill };
