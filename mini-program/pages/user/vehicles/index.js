const { fetchVehicles } = require('../../../services/vehicle/fetchVehicles');
const { removeVehicle } = require('../../../services/vehicle/removeVehicle');
const { confirm } = require('../../../utils/dialog');
const { showError } = require('../../../utils/toast');

/** My vehicles: plate, model, connector; add, edit, remove. */
Component({
  data: { vehicles: [], loaded: false },
  methods: {
    async onShow() {
      try {
        const { vehicles } = await fetchVehicles();
        this.setData({ vehicles, loaded: true });
      } catch (error) {
        showError(error);
      }
    },

    onAdd() {
      wx.navigateTo({ url: '/pages/user/vehicle-edit/index' });
    },

    onEdit(event) {
      wx.navigateTo({ url: `/pages/user/vehicle-edit/index?id=${event.currentTarget.dataset.id}` });
    },

    async onRemove(event) {
      const { id, plate } = event.currentTarget.dataset;
      if (!(await confirm({ title: '删除车辆', content: `确定删除 ${plate} 吗？`, confirmText: '删除', confirmColor: '#e34d59' }))) return;
      try {
        await removeVehicle(id);
        this.setData({ vehicles: this.data.vehicles.filter((v) => v.id !== id) });
      } catch (error) {
        showError(error);
      }
    },
  },
});
