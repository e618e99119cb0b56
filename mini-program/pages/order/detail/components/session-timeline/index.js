const { statusLabel } = require('../../../../../utils/labels');
const { dateTime } = require('../../../../../utils/format');

/** A session's transitions, oldest first, as the API's timeline gives them. */
Component({
  options: { styleIsolation: 'apply-shared' },
  properties: {
    events: { type: Array, value: [] },
  },
  data: { steps: [] },
  observers: {
    events(events) {
      this.setData({ steps: events.map((e) => ({ seq: e.seq, text: statusLabel('session', e.to).text, at: dateTime(e.at) })) });
    },
  },
});
