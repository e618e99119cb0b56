const { fetchVehicles } = require('../../../services/vehicle/fetchVehicles');
const { addVehicle } = require('../../../services/vehicle/addVehicle');
const { updateVehicle } = require('../../../services/vehicle/updateVehicle');
const { showError } = require('../../../utils/toast');

/** Add a vehicle, or edit one (`?id=`). The API checks the plate; its answer names the field that is wrong. */
Component({
  data: {
    vehicleId: '',
    plate: '',
    model: '',
    connectorTypes: [],
    connectorIndex: 0,
    errors: {},
    saving: false,
  },
  methods: {
    async onLoad(query) {
      try {
        const { vehicles, connectorTypes } = await fetchVehicles();
        const vehicle = vehicles.find((v) => v.id === query.id);
        this.setData({
          connectorTypes,
          vehicleId: vehicle ? vehicle.id : '',
          plate: vehicle ? vehicle.plate : '',
          model: vehicle ? vehicle.model : '',
          connectorIndex: vehicle ? Math.max(0, connectorTypes.indexOf(vehicle.connectorType)) : 0,
        });
        wx.setNavigationBarTitle({ title: vehicle ? '编辑车辆' : '添加车辆' });
      } catch (error) {
        showError(error);
      }
    },

    onInput(event) {
      const { field } = event.currentTarget.dataset;
      this.setData({ [field]: event.detail.value, [`errors.${field}`]: '' });
    },

    onPickConnector(event) {
      this.setData({ connectorIndex: Number(event.detail.value) });
    },

    async onSave() {
      const { vehicleId, plate, model, connectorTypes, connectorIndex } = this.data;
      const vehicle = { plate: plate.trim(), model: model.trim(), connectorType: connectorTypes[connectorIndex] };
      this.setData({ saving: true, errors: {} });
      try {
        if (vehicleId) await updateVehicle(vehicleId, vehicle);
        else await addVehicle(vehicle);
        wx.navigateBack();
      } catch (error) {
        if (error.field) this.setData({ [`errors.${error.field}`]: error.message });
        else showError(error);
      } finally {
        this.setData({ saving: false });
      }
    },
  },
});
