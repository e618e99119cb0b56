const { fetchFavourites } = require('../../../services/favourite/fetchFavourites');
const { presentStation } = require('../../../presenters/station');
const { showError } = require('../../../utils/toast');

/** My favourite stations with their live availability and price now. */
Component({
  data: { stations: [], loaded: false },
  methods: {
    async onShow() {
      try {
        const stations = await fetchFavourites();
        this.setData({ stations: stations.map(presentStation), loaded: true });
      } catch (error) {
        showError(error);
      }
    },

    onOpenStation(event) {
      wx.navigateTo({ url: `/pages/station/detail/index?id=${encodeURIComponent(event.detail.station.id)}` });
    },

    onNavigate(event) {
      const { station } = event.detail;
      wx.openLocation({ latitude: station.latitude, longitude: station.longitude, name: station.name, address: station.address, scale: 16 });
    },

    onFind() {
      wx.switchTab({ url: '/pages/find/index' });
    },
  },
});
