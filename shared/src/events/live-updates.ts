/** The NOTIFY channel the website turns into server-sent events. */
export const LIVE_CHANNEL = 'ttfd_live';

/**
 * One change the website shows live. Each notification on LIVE_CHANNEL carries a JSON
 * array of these, oldest first. When an event's data is too large for a notification it
 * comes with `"truncated": true` and an empty `data` (the website reloads the profile).
 */
export interface LiveUpdate {
  id: string;
  seq: string;
  user_id: string;
  type: string;
  source: string;
  /** ISO 8601 with offset. */
  created_at: string;
  data: Record<string, unknown>;
  truncated?: true;
}
