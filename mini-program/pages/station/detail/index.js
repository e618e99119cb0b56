const { fetchStation } = require('../../../services/station/fetchStation');
const { fetchStationReviews } = require('../../../services/station/fetchStationReviews');
const { fetchFavourites } = require('../../../services/favourite/fetchFavourites');
const { addFavourite } = require('../../../services/favourite/addFavourite');
const { removeFavourite } = require('../../../services/favourite/removeFavourite');
const { requestSession } = require('../../../services/session/requestSession');
const { presentStation, presentPriceTable } = require('../../../presenters/station');
const { openLiveChannel } = require('../../../utils/live-channel');
const { newIdempotencyKey } = require('../../../utils/idempotency');
const { dateTime } = require('../../../utils/format');
const { showError } = require('../../../utils/toast');
const { confirm, explainRefusal } = require('../../../utils/dialog');

/** Station: piles with live status, today's prices, address and hours, reviews; favourite; reserve a pile. */
Component({
  data: {
    stationId: '',
    station: null,
    priceRows: [],
    reviews: { count: 0, averageStars: null, items: [] },
    favourite: false,
    connection: 'connecting',
    reserving: '',
  },
  methods: {
    async onLoad(query) {
      this.setData({ stationId: query.id });
      await Promise.all([this.loadStation(), this.loadReviews(), this.loadFavourite()]);
      this.live = openLiveChannel({
        target: { stationId: query.id },
        onMessage: (message) => message.type === 'pile.status' && this.showPileStatus(message.pileId, message.status),
        onFallback: () => this.loadStation(),
        onStateChange: (connection) => this.setData({ connection }),
      });
    },

    onUnload() {
      if (this.live) this.live.close();
    },

    async loadStation() {
      try {
        const station = await fetchStation(this.data.stationId);
        this.setData({ station: presentStation(station), priceRows: presentPriceTable(station.tariff, Date.now()) });
      } catch (error) {
        showError(error);
      }
    },

    async loadReviews() {
      try {
        const { count, averageStars, reviews } = await fetchStationReviews(this.data.stationId);
        const items = reviews.map((r) => ({ id: r.id, stars: r.stars, text: r.text, author: r.author, at: dateTime(r.createdAt) }));
        this.setData({ reviews: { count, averageStars, items } });
      } catch (error) {
        // Reviews are a side dish: the station page stands without them.
      }
    },

    async loadFavourite() {
      try {
        const favourites = await fetchFavourites();
        this.setData({ favourite: favourites.some((s) => s.id === this.data.stationId) });
      } catch (error) {
        // Not signed in yet or offline: the toggle starts off.
      }
    },

    showPileStatus(pileId, status) {
      const index = this.data.station ? this.data.station.piles.findIndex((p) => p.id === pileId) : -1;
      if (index < 0) return;
      this.setData({ [`station.piles[${index}].status`]: status, [`station.piles[${index}].reservable`]: status === 'idle' });
    },

    async onToggleFavourite() {
      const favourite = !this.data.favourite;
      this.setData({ favourite });
      try {
        await (favourite ? addFavourite : removeFavourite)(this.data.stationId);
      } catch (error) {
        this.setData({ favourite: !favourite });
        showError(error);
      }
    },

    async onReserve(event) {
      const { code } = event.currentTarget.dataset;
      const ok = await confirm({ title: `预约 ${code}`, content: '将为你保留该桩 15 分钟，到场后扫码即可开始充电。', confirmText: '预约' });
      if (!ok) return;
      this.setData({ reserving: code });
      try {
        await requestSession({ pileCode: code, reserve: true }, newIdempotencyKey());
        wx.navigateTo({ url: '/pages/user/reservations/index' });
      } catch (error) {
        await explainRefusal(error);
      } finally {
        this.setData({ reserving: '' });
      }
    },

    onNavigate() {
      const { station } = this.data;
      wx.openLocation({ latitude: station.latitude, longitude: station.longitude, name: station.name, address: station.address, scale: 16 });
    },

    onScan() {
      wx.switchTab({ url: '/pages/scan/index' });
    },
  },
});
