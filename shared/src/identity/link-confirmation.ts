/**
 * What a player is told before a link joins their identity to another account: who is on
 * the other side, shown so they can recognise it without it leaking to a stranger.
 *
 *   describeAccount(row) -> OtherAccount
 *
 * Identities are masked: Telegram and Discord ids show their last 4 digits, an e-mail its
 * first letter and domain (a***@example.org). Names are the account's display name and
 * username as its owner set them.
 */
import { PLATFORMS, type Platform } from '../platform';
import { identityOn, type AccountRow } from './accounts';

export interface ShownIdentity {
  platform: Platform;
  /** Masked: `…1234` for Telegram and Discord ids, `a***@example.org` for an e-mail. */
  shown: string;
}

/** The account on the other side of a link, as the redeemer is shown it. */
export interface OtherAccount {
  identities: ShownIdentity[];
  /** Display name and username (usernames with a leading @), without repeats. */
  names: string[];
}

function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  return `${email.slice(0, 1)}***${email.slice(at)}`;
}

function maskId(id: string): string {
  return `…${id.slice(-4)}`;
}

export function describeAccount(row: AccountRow): OtherAccount {
  const identities: ShownIdentity[] = [];
  for (const platform of PLATFORMS) {
    const id = identityOn(row, platform);
    if (id !== null) identities.push({ platform, shown: platform === 'website' ? maskEmail(id) : maskId(id) });
  }
  const names = [row.display_name, row.username ? `@${row.username.replace(/^@/, '')}` : null].filter(
    (n): n is string => !!n && n.trim() !== '',
  );
  return { identities, names: [...new Set(names)] };
}
