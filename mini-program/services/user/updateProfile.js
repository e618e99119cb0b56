const api = require('../../utils/api');
const auth = require('../../utils/auth');

/** Renames me; the answer's fresh token (which carries the name) replaces the stored one. */
async function updateProfile({ name }) {
  const { user, token } = await api.patch('/me', { name });
  auth.saveSession({ token, user: { id: user.id, name: user.name, role: user.role } });
  return user;
}

module.exports = { updateProfile };
