const { statusLabel } = require('../../utils/labels');

/** A status in words and its colour: `<status-tag kind="pile" status="idle" />`. */
Component({
  options: { styleIsolation: 'apply-shared' },
  properties: {
    kind: { type: String, value: 'pile' },
    status: { type: String, value: '' },
  },
  data: { text: '', tone: 'muted' },
  observers: {
    'kind, status'(kind, status) {
      this.setData(statusLabel(kind, status));
    },
  },
});
