// WeChat's `wx` does not exist outside WeChat: every test starts from the fake in fake-wx.js.
const { installFakeWx } = require('./fake-wx');

installFakeWx();
