const { fetchProfile } = require('../../services/user/fetchProfile');
const { updateProfile } = require('../../services/user/updateProfile');
const { fetchWallet } = require('../../services/wallet/fetchWallet');
const { fetchActiveSessions } = require('../../services/session/fetchActiveSessions');
const { yuan } = require('../../utils/money');
const { showError } = require('../../utils/toast');

const MENU = [
  { url: '/pages/wallet/index/index', text: '我的钱包' },
  { url: '/pages/user/reservations/index', text: '我的预约' },
  { url: '/pages/user/vehicles/index', text: '我的车辆' },
  { url: '/pages/user/favourites/index', text: '收藏的充电站' },
  { url: '/pages/user/feedback/index', text: '投诉与建议' },
];

/** Me: profile, balance, and the way to my vehicles, favourites, reservations, wallet and feedback. */
Component({
  data: {
    profile: null,
    balance: '',
    reservationCount: 0,
    menu: MENU,
  },
  methods: {
    async onShow() {
      try {
        const [profile, wallet, sessions] = await Promise.all([fetchProfile(), fetchWallet(), fetchActiveSessions()]);
        this.setData({
          profile: { name: profile.name, initial: [...profile.name][0], wechatLinked: profile.wechatLinked },
          balance: yuan(wallet.balanceFen),
          reservationCount: sessions.filter((s) => s.status === 'RESERVED').length,
        });
      } catch (error) {
        showError(error);
      }
    },

    onRename() {
      wx.showModal({
        title: '修改昵称',
        editable: true,
        placeholderText: this.data.profile ? this.data.profile.name : '',
        success: async ({ confirm, content }) => {
          const name = (content || '').trim();
          if (!confirm || !name) return;
          try {
            const user = await updateProfile({ name });
            this.setData({ 'profile.name': user.name, 'profile.initial': [...user.name][0] });
          } catch (error) {
            showError(error);
          }
        },
      });
    },

    onOpen(event) {
      wx.navigateTo({ url: event.currentTarget.dataset.url });
    },
  },
});
