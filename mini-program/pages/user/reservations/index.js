const { fetchActiveSessions } = require('../../../services/session/fetchActiveSessions');
const { cancelReservation } = require('../../../services/session/cancelReservation');
const { confirm } = require('../../../utils/dialog');
const { presentReservation } = require('../../../presenters/session');
const { showError, showDone } = require('../../../utils/toast');

/** My reservations: where, which pile, until when; cancel one, or go scan the pile to start it. */
Component({
  data: { reservations: [], loaded: false },
  methods: {
    async onShow() {
      try {
        const sessions = await fetchActiveSessions();
        this.setData({ reservations: sessions.filter((s) => s.status === 'RESERVED').map(presentReservation), loaded: true });
      } catch (error) {
        showError(error);
      }
    },

    async onCancel(event) {
      const { id } = event.currentTarget.dataset;
      if (!(await confirm({ title: '取消预约', content: '取消后该桩将释放给其他车主。', confirmText: '取消预约', cancelText: '再想想' }))) return;
      try {
        await cancelReservation(id);
        this.setData({ reservations: this.data.reservations.filter((r) => r.sessionId !== id) });
        showDone('已取消');
      } catch (error) {
        showError(error);
      }
    },

    onScan() {
      wx.switchTab({ url: '/pages/scan/index' });
    },
  },
});
