/** Whether the page is live on the socket or refreshing over REST while it reconnects. */
Component({
  options: { styleIsolation: 'apply-shared' },
  properties: {
    state: { type: String, value: 'connecting' },
  },
});
