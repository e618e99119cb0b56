const { fetchSession } = require('../../../services/session/fetchSession');
const { stopSession } = require('../../../services/session/stopSession');
const { presentCharging, applyLiveMessage, isOver } = require('../../../presenters/session');
const { openLiveChannel } = require('../../../utils/live-channel');
const { confirm } = require('../../../utils/dialog');
const { showError } = require('../../../utils/toast');

/**
 * Charging: live progress (energy, power, cost, elapsed time, SOC) over the WebSocket, refreshed over REST
 * while the socket is down; stop; the bill once the session settles.
 */
Component({
  data: {
    sessionId: '',
    view: null,
    connection: 'connecting',
    stopping: false,
  },
  methods: {
    async onLoad(query) {
      this.setData({ sessionId: query.id });
      await this.refresh();
      if (!this.session || isOver(this.session.status)) return;
      this.live = openLiveChannel({
        target: { sessionId: query.id },
        onMessage: (message) => this.apply(applyLiveMessage(this.session, message)),
        onFallback: () => this.refresh(),
        onStateChange: (connection) => this.setData({ connection }),
      });
      this.ticker = setInterval(() => this.render(), 1000);
    },

    onUnload() {
      this.finishLive();
    },

    async refresh() {
      try {
        this.apply(await fetchSession(this.data.sessionId));
      } catch (error) {
        if (!this.session) showError(error);
      }
    },

    apply(session) {
      this.session = session;
      this.render();
      if (isOver(session.status)) this.finishLive();
    },

    render() {
      if (this.session) this.setData({ view: presentCharging(this.session, Date.now()) });
    },

    finishLive() {
      if (this.live) this.live.close();
      clearInterval(this.ticker);
      this.live = null;
    },

    async onStop() {
      if (!(await confirm({ title: '结束充电', content: '确定现在结束充电吗？', confirmText: '结束', confirmColor: '#e34d59' }))) return;
      this.setData({ stopping: true });
      try {
        this.apply(Object.assign({}, this.session, await stopSession(this.data.sessionId)));
      } catch (error) {
        showError(error);
      } finally {
        this.setData({ stopping: false });
      }
    },

    onReview() {
      wx.navigateTo({ url: `/pages/user/review/index?sessionId=${this.data.sessionId}` });
    },

    onOpenOrder() {
      wx.redirectTo({ url: `/pages/order/detail/index?id=${this.data.sessionId}` });
    },
  },
});
