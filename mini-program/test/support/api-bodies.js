/** What the API answers, shaped as the platform's own route tests pin it; override what a test cares about. */

const TARIFF = {
  id: 'tou-test',
  name: 'Test time-of-use',
  utcOffsetMinutes: 480,
  bands: [
    { name: 'valley', from: '00:00', to: '08:00', electricityFenPerKwh: 35, serviceFenPerKwh: 40 },
    { name: 'peak', from: '08:00', to: '18:00', electricityFenPerKwh: 110, serviceFenPerKwh: 80 },
    { name: 'flat', from: '18:00', to: '24:00', electricityFenPerKwh: 70, serviceFenPerKwh: 60 },
  ],
  idleFeeFenPerMinute: 50,
  idleGraceMinutes: 30,
};

function aPile(overrides = {}) {
  return { id: 'st-1-p01', code: 'st-1-p01', type: 'fast', maxPowerW: 60000, connectorType: 'GB/T', status: 'idle', ...overrides };
}

function aStation(overrides = {}) {
  const piles = overrides.piles || [aPile(), aPile({ id: 'st-1-p02', code: 'st-1-p02', type: 'slow', maxPowerW: 7000, status: 'charging' })];
  const count = (type) => {
    const of = piles.filter((p) => !type || p.type === type);
    return { total: of.length, idle: of.filter((p) => p.status === 'idle').length };
  };
  return {
    id: 'st-1',
    name: 'Riverside Hub',
    address: '1 River Road',
    location: { lat: 31.2331, lng: 121.4737 },
    openingHours: '00:00-24:00',
    distanceM: 300,
    price: { band: 'peak', electricityFenPerKwh: 110, serviceFenPerKwh: 80, totalFenPerKwh: 190, validUntil: '2030-01-01T10:00:00.000Z' },
    tariff: TARIFF,
    summary: { ...count(), fast: count('fast'), slow: count('slow') },
    ...overrides,
    piles,
  };
}

function aBill(overrides = {}) {
  return {
    lines: [{ band: 'peak', energyWh: 12000, electricityFenPerKwh: 110, serviceFenPerKwh: 80, electricityFen: 1320, serviceFen: 960 }],
    energyWh: 12000,
    electricityFen: 1320,
    serviceFen: 960,
    energyFen: 2280,
    idleMinutes: 0,
    idleFeeFen: 0,
    totalFen: 2280,
    heldFen: 5000,
    capturedFen: 2280,
    releasedFen: 2720,
    uncollectedFen: 0,
    reviewRefundFen: 0,
    reviewRefundedAt: null,
    ...overrides,
  };
}

function aSessionView(overrides = {}) {
  return {
    sessionId: 'session-1',
    status: 'CHARGING',
    waitingFor: 'telemetry',
    pileId: 'st-1-p01',
    stationId: 'st-1',
    userId: 'user-1',
    limits: {},
    paymentMode: 'wallet',
    heldFen: 5000,
    startedAt: new Date(Date.now() - 600000).toISOString(),
    energyWh: 3000,
    costFen: 570,
    powerW: 58000,
    needsReview: false,
    settlementAttempts: 0,
    timeline: [],
    ...overrides,
  };
}

function anOrder(overrides = {}) {
  return {
    id: 'session-1',
    status: 'paid',
    station: { id: 'st-1', name: 'Riverside Hub', address: '1 River Road' },
    pile: { id: 'st-1-p01', code: 'st-1-p01', type: 'fast', maxPowerW: 60000 },
    createdAt: '2030-01-01T02:00:00.000Z',
    startedAt: '2030-01-01T02:00:00.000Z',
    stoppedAt: '2030-01-01T02:30:00.000Z',
    endReason: 'DRIVER_STOPPED',
    energyWh: 12000,
    totalFen: 2280,
    paidFen: 2280,
    refundFen: 2720,
    uncollectedFen: 0,
    reviewRefundFen: 0,
    reviewRefundedAt: null,
    ...overrides,
  };
}

module.exports = { TARIFF, aPile, aStation, aBill, aSessionView, anOrder };
