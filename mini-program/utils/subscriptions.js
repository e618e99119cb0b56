const config = require('../config/index');

/**
 * Asks the driver to allow the bill message (WeChat shows its own sheet; it must follow a tap). Whatever they answer,
 * or if the sheet fails, charging goes on: the bill is also in the order. No template configured: nothing is asked.
 */
function askForBillMessage() {
  const templateId = config.billTemplateId;
  if (!templateId || typeof wx.requestSubscribeMessage !== 'function') return Promise.resolve(false);
  return new Promise((resolve) => {
    wx.requestSubscribeMessage({
      tmplIds: [templateId],
      success: (res) => resolve(res[templateId] === 'accept'),
      fail: () => resolve(false),
    });
  });
}

module.exports = { askForBillMessage };
