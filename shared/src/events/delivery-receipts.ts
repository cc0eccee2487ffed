import type { DeliveryStatus, DeliveryTarget } from '../db/entities/delivery-receipt.entity';
import type { Queryable } from './queryable';

/**
 * What `beginDelivery` found: `send` — this attempt owns the effect and must send it;
 * otherwise the receipt an earlier attempt left, with its age in seconds.
 */
export type DeliveryClaim = { send: true } | { send: false; status: DeliveryStatus | null; ageSeconds: number };

const BEGIN_DELIVERY = `
WITH mine AS (
  INSERT INTO delivery_receipts (event_id, target, status, attempt) VALUES ($1, $2, 'sending', $3)
  ON CONFLICT (event_id, target) DO UPDATE SET status = 'sending', attempt = $3, detail = NULL, updated_at = now()
    WHERE delivery_receipts.status = 'skipped' OR (delivery_receipts.status = 'sending' AND delivery_receipts.attempt = $3)
  RETURNING 1
)
SELECT true AS send, NULL AS status, 0 AS age_seconds FROM mine
UNION ALL
SELECT false, r.status, extract(epoch FROM now() - r.updated_at)
FROM delivery_receipts r
WHERE r.event_id = $1 AND r.target = $2 AND NOT EXISTS (SELECT 1 FROM mine)`;

/**
 * Records, before a message goes out, that attempt `attempt` is about to send it;
 * committed on its own so that it survives a crash. A receipt already there means an
 * earlier attempt got this far: `sent` (done), `unknown`, or `sending` (it died after this
 * point, so the message may have arrived). A `skipped` receipt (the platform was not
 * configured) is taken over, and so is a `sending` receipt of this same attempt: its
 * writer never learnt whether it was stored, so it cannot have sent the message.
 */
export async function beginDelivery(
  db: Queryable,
  eventId: string,
  target: DeliveryTarget,
  attempt: string,
): Promise<DeliveryClaim> {
  const { rows } = await db.query({
    name: 'ttfd-begin-delivery',
    text: BEGIN_DELIVERY,
    values: [eventId, target, attempt],
  });
  const row = rows[0];
  if (row?.send) return { send: true };
  // No row: a concurrent attempt inserted it after this statement's snapshot.
  return { send: false, status: row?.status ?? null, ageSeconds: Number(row?.age_seconds ?? 0) };
}

const FINISH_DELIVERY = `
UPDATE delivery_receipts SET status = $3, detail = $4, updated_at = now()
WHERE event_id = $1 AND target = $2`;

/** The effect happened (`sent`, with the platform's id) or may have (`unknown`). */
export async function finishDelivery(
  db: Queryable,
  eventId: string,
  target: DeliveryTarget,
  status: 'sent' | 'unknown',
  detail: string | null,
): Promise<void> {
  await db.query({ name: 'ttfd-finish-delivery', text: FINISH_DELIVERY, values: [eventId, target, status, detail] });
}

const RELEASE_DELIVERY = `DELETE FROM delivery_receipts WHERE event_id = $1 AND target = $2 AND status = 'sending'`;

/** The platform refused the effect, so nothing was sent: a later attempt (or a replay) may send it. */
export async function releaseDelivery(db: Queryable, eventId: string, target: DeliveryTarget): Promise<void> {
  await db.query({ name: 'ttfd-release-delivery', text: RELEASE_DELIVERY, values: [eventId, target] });
}

export interface DeliveryRecord {
  eventId: string;
  target: DeliveryTarget;
  status: 'sent' | 'skipped' | 'unreachable';
  detail: string | null;
}

const RECORD_DELIVERIES = `
INSERT INTO delivery_receipts (event_id, target, status, detail)
SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[])
ON CONFLICT (event_id, target) DO UPDATE SET status = excluded.status, detail = excluded.detail, updated_at = now()
  WHERE delivery_receipts.status NOT IN ('sent', 'unknown')`;

/**
 * Records idempotent effects (a role sync) and skipped ones in the claiming transaction:
 * they need no receipt before the fact because doing them twice changes nothing.
 */
export async function recordDeliveries(db: Queryable, records: DeliveryRecord[]): Promise<void> {
  if (records.length === 0) return;
  await db.query({
    name: 'ttfd-record-deliveries',
    text: RECORD_DELIVERIES,
    values: [
      records.map((r) => r.eventId),
      records.map((r) => r.target),
      records.map((r) => r.status),
      records.map((r) => r.detail),
    ],
  });
}
