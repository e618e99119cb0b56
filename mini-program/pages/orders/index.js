const { fetchOrders } = require('../../services/order/fetchOrders');
const { presentOrder } = require('../../presenters/order');
const { showError } = require('../../utils/toast');

/** Orders: my charging orders, newest first; more load as I scroll. */
Component({
  data: {
    orders: [],
    nextBefore: null,
    loaded: false,
    loading: false,
  },
  methods: {
    onShow() {
      this.refresh();
    },

    async onPullDownRefresh() {
      await this.refresh();
      wx.stopPullDownRefresh();
    },

    onReachBottom() {
      if (this.data.nextBefore) this.load(this.data.nextBefore);
    },

    refresh() {
      return this.load(undefined);
    },

    async load(before) {
      if (this.data.loading) return;
      this.setData({ loading: true });
      try {
        const page = await fetchOrders(before);
        const orders = page.orders.map(presentOrder);
        this.setData({ orders: before ? this.data.orders.concat(orders) : orders, nextBefore: page.nextBefore, loaded: true });
      } catch (error) {
        showError(error);
      } finally {
        this.setData({ loading: false });
      }
    },

    onOpen(event) {
      wx.navigateTo({ url: `/pages/order/detail/index?id=${event.currentTarget.dataset.id}` });
    },

    onFind() {
      wx.switchTab({ url: '/pages/find/index' });
    },
  },
});
