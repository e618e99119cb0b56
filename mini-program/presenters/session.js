const { yuan } = require('../utils/money');
const { kwh, kw, duration, clock } = require('../utils/format');
const { END_REASON } = require('../utils/labels');
const { presentBill } = require('./bill');

const ENDED = ['COMPLETED', 'SETTLEMENT_FAILED', 'CANCELLED', 'EXPIRED', 'DECLINED', 'START_FAILED', 'REJECTED'];

/** Whether the session is over for the driver (nothing more will change but a support retry). */
const isOver = (status) => ENDED.includes(status);

/**
 * The charging screen's figures from the session's latest state (REST view, merged with live progress).
 * The API's times are ISO 8601 strings; `now` (epoch ms) drives the elapsed time between progress messages.
 */
function presentCharging(session, now) {
  const elapsedSeconds = session.startedAt ? (new Date(session.stoppedAt || now) - new Date(session.startedAt)) / 1000 : 0;
  return {
    status: session.status,
    energy: kwh(session.energyWh),
    power: kw(session.powerW),
    cost: yuan(session.costFen),
    elapsed: duration(elapsedSeconds),
    soc: session.socPercent === undefined || session.socPercent === null ? '' : `${session.socPercent}%`,
    socPercent: session.socPercent || 0,
    held: session.heldFen ? yuan(session.heldFen) : '',
    payscore: session.paymentMode === 'payscore',
    reservedUntil: session.reservedUntil ? clock(session.reservedUntil) : '',
    endReason: END_REASON[session.endReason] || '',
    canStop: session.status === 'CHARGING' || session.status === 'STARTING',
    over: isOver(session.status),
    bill: session.bill ? presentBill(session.bill) : null,
  };
}

/** A live message folded into the session's state. */
function applyLiveMessage(session, message) {
  if (message.type === 'session.progress') {
    const { energyWh, powerW, costFen, socPercent } = message;
    return Object.assign({}, session, { energyWh, powerW, costFen, socPercent: socPercent === undefined ? session.socPercent : socPercent });
  }
  if (message.type === 'session.status') {
    return Object.assign({}, session, {
      status: message.status,
      energyWh: message.energyWh,
      endReason: message.endReason || session.endReason,
      bill: message.bill || session.bill,
      costFen: message.costFen === undefined ? session.costFen : message.costFen,
      powerW: isOver(message.status) || message.status === 'STOPPING' ? 0 : session.powerW,
      stoppedAt: message.status === 'STOPPING' && !session.stoppedAt ? message.at : session.stoppedAt,
    });
  }
  return session;
}

/** A reservation in a list: where, which pile, until when. */
function presentReservation(session) {
  return {
    sessionId: session.sessionId,
    stationName: session.station.name,
    address: session.station.address,
    pileCode: session.pile.code,
    until: clock(session.reservedUntil),
  };
}

module.exports = { presentCharging, applyLiveMessage, presentReservation, isOver };
