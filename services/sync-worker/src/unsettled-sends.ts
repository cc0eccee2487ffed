/**
 * Sends whose receipt this worker could not settle because the database went away around
 * the write: the receipt's attempt id, and the platform's message id when the message did
 * go out. A later attempt of the same event takes the receipt back with that attempt id
 * (never sent: send it now) or records it `sent` (sent: do not send again), instead of
 * leaving the message `unknown`. Kept in memory: a worker that dies forgets, and its
 * receipts stay `unknown` as before.
 */
export interface UnsettledSend {
  attempt: string;
  messageId?: string;
}

export interface UnsettledSends {
  get(eventId: string, target: string): UnsettledSend | undefined;
  remember(eventId: string, target: string, send: UnsettledSend): void;
  forget(eventId: string, target: string): void;
}

/** At most `limit` sends remembered; the oldest go first (they fall back to `unknown`). */
export function createUnsettledSends(limit = 10_000): UnsettledSends {
  const sends = new Map<string, UnsettledSend>();
  const key = (eventId: string, target: string) => `${eventId}/${target}`;
  return {
    get: (eventId, target) => sends.get(key(eventId, target)),
    remember(eventId, target, send) {
      sends.delete(key(eventId, target));
      sends.set(key(eventId, target), send);
      if (sends.size > limit) sends.delete(sends.keys().next().value!);
    },
    forget: (eventId, target) => void sends.delete(key(eventId, target)),
  };
}
