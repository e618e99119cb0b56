const auth = require('./utils/auth');

App({
  onLaunch() {
    // Sign in early so the first page's calls do not wait for it; a failure here is retried by the first call.
    auth.ensureToken().catch(() => {});
  },
});
