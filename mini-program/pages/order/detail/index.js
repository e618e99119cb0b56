const { fetchOrder } = require('../../../services/order/fetchOrder');
const { presentOrder } = require('../../../presenters/order');
const { presentBill } = require('../../../presenters/bill');
const { showError } = require('../../../utils/toast');

/** An order: its bill (energy per tariff band, fees, paid, refund), its timeline, my review. */
Component({
  data: {
    orderId: '',
    order: null,
    bill: null,
    timeline: [],
    review: null,
    reviewable: false,
    stationId: '',
  },
  methods: {
    onLoad(query) {
      this.setData({ orderId: query.id });
      return this.load();
    },

    onShow() {
      // Back from writing a review: show it.
      if (this.data.order) this.load();
    },

    async load() {
      try {
        const order = await fetchOrder(this.data.orderId);
        this.setData({
          order: presentOrder(order),
          bill: presentBill(order.bill),
          timeline: order.timeline,
          review: order.review,
          stationId: order.station.id,
          reviewable: order.status === 'paid' && !order.review,
        });
      } catch (error) {
        showError(error);
      }
    },

    onReview() {
      wx.navigateTo({ url: `/pages/user/review/index?sessionId=${this.data.orderId}` });
    },

    onComplain() {
      wx.navigateTo({ url: `/pages/user/feedback-new/index?sessionId=${this.data.orderId}&stationId=${encodeURIComponent(this.data.stationId)}` });
    },
  },
});
