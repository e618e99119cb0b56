const { fetchPile } = require('../../services/station/fetchPile');
const { fetchActiveSessions } = require('../../services/session/fetchActiveSessions');
const { requestSession } = require('../../services/session/requestSession');
const { fetchPaymentModes } = require('../../services/session/fetchPaymentModes');
const { enablePayscore } = require('../../services/payscore/enablePayscore');
const { startReservedSession } = require('../../services/session/startReservedSession');
const { pileCodeFrom } = require('../../utils/pile-code');
const { askForBillMessage } = require('../../utils/subscriptions');
const { newIdempotencyKey } = require('../../utils/idempotency');
const { yuan } = require('../../utils/money');
const { kw } = require('../../utils/format');
const { presentReservation } = require('../../presenters/session');
const { PILE_TYPE } = require('../../utils/labels');
const { showError } = require('../../utils/toast');
const { explainRefusal } = require('../../utils/dialog');
const { limitsFrom } = require('./limits');

/** Pile statuses a driver may start on: free, or plugged in by them before scanning. */
const STARTABLE = ['idle', 'occupied'];

function scanQrCode() {
  return new Promise((resolve, reject) => wx.scanCode({ scanType: ['qrCode', 'barCode'], success: (res) => resolve(res.result), fail: reject }));
}

/** Scan and start: read the pile's QR code, show the pile and its price, choose a limit and start (or start a reservation). */
Component({
  data: {
    stage: 'ready',
    charging: null,
    reservations: [],
    manualCode: '',
    pile: null,
    station: null,
    reservation: null,
    startable: false,
    limit: { mode: 'full', value: '' },
    limitError: '',
    starting: false,
    /** Offered here: the wallet, and WeChat Pay Score (支付分) when the operator enabled it. */
    payscoreOffered: false,
    /** Whether this driver enabled WeChat Pay Score for our service; until then the page offers 开通. */
    payscoreEnabled: false,
    enablingPayscore: false,
    paymentMode: 'wallet',
  },
  methods: {
    onShow() {
      this.loadActive();
      this.loadPaymentModes();
    },

    /** Also how the page learns, when the driver comes back from WeChat Pay Score's mini-program, whether they enabled it. */
    async loadPaymentModes() {
      try {
        const { paymentModes, payscoreEnabled } = await fetchPaymentModes();
        const payscoreOffered = paymentModes.includes('payscore');
        const payscoreUsable = payscoreOffered && payscoreEnabled;
        this.setData({ payscoreOffered, payscoreEnabled: payscoreUsable, paymentMode: payscoreUsable ? this.data.paymentMode : 'wallet' });
      } catch (error) {
        // Without the list the wallet stays the way to pay.
      }
    },

    onPaymentModeChange(event) {
      const { mode } = event.currentTarget.dataset;
      if (mode === 'wallet' || (mode === 'payscore' && this.data.payscoreEnabled)) this.setData({ paymentMode: mode });
    },

    /** 开通: opens WeChat Pay Score's mini-program; onShow reads the state again when the driver returns. */
    async onEnablePayscore() {
      if (this.data.enablingPayscore) return;
      this.setData({ enablingPayscore: true });
      try {
        await enablePayscore();
      } catch (error) {
        showError(error);
      } finally {
        this.setData({ enablingPayscore: false });
      }
    },

    async loadActive() {
      try {
        const sessions = await fetchActiveSessions();
        const charging = sessions.find((s) => s.status !== 'RESERVED') || null;
        const reservations = sessions.filter((s) => s.status === 'RESERVED').map(presentReservation);
        this.setData({ charging: charging && { sessionId: charging.sessionId, stationName: charging.station.name }, reservations });
      } catch (error) {
        // The scanner works without this list.
      }
    },

    async onScan() {
      let scanned;
      try {
        scanned = await scanQrCode();
      } catch (error) {
        return; // the driver closed the scanner
      }
      const code = pileCodeFrom(scanned);
      if (!code) {
        wx.showToast({ title: '这不是充电桩的二维码', icon: 'none' });
        return;
      }
      await this.showPile(code);
    },

    onManualInput(event) {
      this.setData({ manualCode: event.detail.value.trim() });
    },

    onManualSubmit() {
      if (this.data.manualCode) this.showPile(this.data.manualCode);
    },

    async showPile(code) {
      try {
        const { pile, station } = await fetchPile(code);
        const reservation = this.data.reservations.find((r) => r.pileCode === pile.code) || null;
        this.idempotencyKey = newIdempotencyKey();
        this.setData({
          stage: 'confirm',
          pile: { code: pile.code, status: pile.status, typeText: PILE_TYPE[pile.type], powerText: `${kw(pile.maxPowerW)}kW`, connectorType: pile.connectorType },
          station: { name: station.name, address: station.address, priceText: yuan(station.price.totalFenPerKwh), bandName: station.price.band },
          reservation,
          startable: !!reservation || STARTABLE.includes(pile.status),
          limit: { mode: 'full', value: '' },
          limitError: '',
        });
      } catch (error) {
        showError(error);
      }
    },

    onLimitChange(event) {
      this.setData({ limit: event.detail, limitError: '' });
    },

    async onStart() {
      const { reservation, pile, limit, paymentMode } = this.data;
      const { limits, error } = limitsFrom(limit);
      if (error) {
        this.setData({ limitError: error });
        return;
      }
      this.setData({ starting: true });
      await askForBillMessage();
      try {
        const session = reservation
          ? await startReservedSession(reservation.sessionId)
          : await requestSession({ pileCode: pile.code, limits, paymentMode }, this.idempotencyKey);
        this.setData({ stage: 'ready', pile: null });
        wx.navigateTo({ url: `/pages/charging/progress/index?id=${session.sessionId}` });
      } catch (refusal) {
        if (refusal.code === 'PAYSCORE_NOT_ENABLED') this.setData({ payscoreEnabled: false, paymentMode: 'wallet' });
        await explainRefusal(refusal);
      } finally {
        this.setData({ starting: false });
      }
    },

    onCancel() {
      this.setData({ stage: 'ready', pile: null });
    },

    onOpenCharging() {
      wx.navigateTo({ url: `/pages/charging/progress/index?id=${this.data.charging.sessionId}` });
    },
  },
});
