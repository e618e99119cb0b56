const { yuan } = require('../utils/money');
const { distance, kw } = require('../utils/format');
const { PILE_TYPE } = require('../utils/labels');

/** 'available' when a pile is idle now, 'busy' when all working piles are taken, 'unavailable' when none works. */
function availabilityOf(piles) {
  if (piles.some((p) => p.status === 'idle')) return 'available';
  if (piles.some((p) => p.status !== 'fault' && p.status !== 'offline')) return 'busy';
  return 'unavailable';
}

function presentPile(pile) {
  return {
    id: pile.id,
    code: pile.code,
    status: pile.status,
    typeText: PILE_TYPE[pile.type] || pile.type,
    powerText: `${kw(pile.maxPowerW)}kW`,
    connectorType: pile.connectorType,
    reservable: pile.status === 'idle',
  };
}

/** What a station card and the station page show. */
function presentStation(station) {
  return {
    id: station.id,
    name: station.name,
    address: station.address,
    openingHours: station.openingHours,
    latitude: station.location.lat,
    longitude: station.location.lng,
    distanceText: distance(station.distanceM),
    idle: station.summary.idle,
    total: station.summary.total,
    fast: station.summary.fast,
    slow: station.summary.slow,
    priceText: yuan(station.price.totalFenPerKwh),
    bandName: station.price.band,
    availability: availabilityOf(station.piles),
    piles: station.piles.map(presentPile),
  };
}

/** A map marker coloured by availability; the marker id is the station's index in the list (markers need numbers). */
function markerFor(station, index) {
  return {
    id: index,
    latitude: station.latitude,
    longitude: station.longitude,
    iconPath: `/assets/markers/${station.availability}.png`,
    width: 30,
    height: 38,
    callout: { content: `${station.name}\n空闲 ${station.idle}/${station.total} · ¥${station.priceText}/度`, padding: 8, borderRadius: 8, display: 'BYCLICK' },
  };
}

const minutes = (hhmm) => {
  const [h, m] = hhmm.split(':').map(Number);
  return h * 60 + m;
};

/** Today's time-of-use table, with the band in force at `now` marked current (bands are in the station's time zone). */
function presentPriceTable(tariff, now) {
  const local = new Date(now + tariff.utcOffsetMinutes * 60000);
  const minute = local.getUTCHours() * 60 + local.getUTCMinutes();
  return tariff.bands.map((band) => ({
    time: `${band.from}-${band.to}`,
    name: band.name,
    electricity: yuan(band.electricityFenPerKwh),
    service: yuan(band.serviceFenPerKwh),
    total: yuan(band.electricityFenPerKwh + band.serviceFenPerKwh),
    current: minute >= minutes(band.from) && minute < minutes(band.to),
  }));
}

module.exports = { presentStation, markerFor, presentPriceTable };
