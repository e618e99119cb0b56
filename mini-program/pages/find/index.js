const config = require('../../config/index');
const { fetchNearbyStations } = require('../../services/station/fetchNearbyStations');
const { presentStation, markerFor } = require('../../presenters/station');
const { showError } = require('../../utils/toast');

function currentLocation() {
  return new Promise((resolve, reject) => wx.getLocation({ type: 'gcj02', success: resolve, fail: reject }));
}

/** Find: stations near me on a map and as a list, nearest first, filtered by fast/slow and "idle now". */
Component({
  data: {
    view: 'list',
    type: '',
    availableOnly: false,
    located: false,
    center: { latitude: 31.2304, longitude: 121.4737 },
    stations: [],
    markers: [],
    selectedIndex: -1,
    loading: true,
    failed: false,
  },
  methods: {
    async onLoad() {
      await this.locate();
      await this.search();
    },

    async onPullDownRefresh() {
      await this.search();
      wx.stopPullDownRefresh();
    },

    async locate() {
      try {
        const { latitude, longitude } = await currentLocation();
        this.setData({ located: true, center: { latitude, longitude } });
      } catch (error) {
        this.setData({ located: false });
      }
    },

    async search() {
      const { located, center, type, availableOnly } = this.data;
      this.setData({ loading: true, failed: false });
      try {
        const found = await fetchNearbyStations({
          lat: located ? center.latitude : undefined,
          lng: located ? center.longitude : undefined,
          radiusKm: located ? config.searchRadiusKm : undefined,
          type,
          availableOnly,
        });
        const stations = found.map(presentStation);
        this.setData({ stations, markers: stations.map(markerFor), selectedIndex: -1, loading: false });
      } catch (error) {
        this.setData({ loading: false, failed: true });
        showError(error);
      }
    },

    onPickType(event) {
      this.setData({ type: event.currentTarget.dataset.type });
      this.search();
    },

    onToggleAvailable() {
      this.setData({ availableOnly: !this.data.availableOnly });
      this.search();
    },

    onSwitchView() {
      this.setData({ view: this.data.view === 'list' ? 'map' : 'list' });
    },

    onMarkerTap(event) {
      this.setData({ selectedIndex: event.detail.markerId });
    },

    onAllowLocation() {
      wx.openSetting({
        success: async () => {
          await this.locate();
          await this.search();
        },
      });
    },

    onOpenStation(event) {
      wx.navigateTo({ url: `/pages/station/detail/index?id=${encodeURIComponent(event.detail.station.id)}` });
    },

    onNavigate(event) {
      const { station } = event.detail;
      wx.openLocation({ latitude: station.latitude, longitude: station.longitude, name: station.name, address: station.address, scale: 16 });
    },
  },
});
