/** The website's email accounts: an identity on `unified_users` and its password in `website_credentials`. */

/** The live account of an email (any case) and its stored hash; no row when there is none. */
export const FIND_LOGIN_SQL = `
SELECT u.id, u.website_email, c.password_hash
FROM unified_users u
LEFT JOIN website_credentials c ON c.user_id = u.id
WHERE lower(u.website_email) = lower($1) AND u.merged_into IS NULL`;

/** The signed-in account's email and stored hash. */
export const FIND_CREDENTIAL_SQL = `
SELECT u.website_email, c.password_hash
FROM unified_users u
LEFT JOIN website_credentials c ON c.user_id = u.id
WHERE u.id = $1::bigint AND u.merged_into IS NULL`;

/** A new account's first password; nothing when the account already has one. */
export const INSERT_CREDENTIAL_SQL = `
INSERT INTO website_credentials (user_id, password_hash, updated_at) VALUES ($1::bigint, $2, $3)
ON CONFLICT (user_id) DO NOTHING`;

/** A new hash for the account (a password change, or a legacy hash rehashed), only over the hash that was checked. */
export const REPLACE_HASH_SQL = `
UPDATE website_credentials SET password_hash = $3, updated_at = $4
WHERE user_id = $1::bigint AND password_hash IS NOT DISTINCT FROM $2`;
