/** Tells the driver what went wrong, in the API's own words. */
function showError(error) {
  wx.showToast({ title: (error && error.message) || '出错了，请重试', icon: 'none', duration: 2500 });
}

function showDone(title) {
  wx.showToast({ title, icon: 'success' });
}

module.exports = { showError, showDone };
