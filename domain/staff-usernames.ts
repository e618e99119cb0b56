/** A staff username: 3-64 lowercase letters, digits, `.`, `_` or `-`, starting with a letter or digit. */
export const STAFF_USERNAME_PATTERN = /^[a-z0-9][a-z0-9._-]{2,63}$/;
export const STAFF_USERNAME_RULE = 'must be 3-64 lowercase letters, digits, . _ or -, starting with a letter or digit';
