/**
 * Discord Linked Roles: the fields a server admin can require of a role ("level ≥ 5"),
 * registered with `PUT /applications/{id}/role-connections/metadata` by
 * `ttfd discord register-commands`. The sync worker writes each authorised player's values
 * under these keys (`PUT /users/@me/applications/{id}/role-connection`). Discord allows at
 * most five fields.
 */
import { ROLE_CONNECTION_TEXTS } from '../catalogue/discord';
import { localizedText, type LocalizedText } from './commands';

/** Discord's metadata types used here: 2 = INTEGER_GREATER_THAN_OR_EQUAL. */
export const ROLE_CONNECTION_TYPES = { IntegerGreaterThanOrEqual: 2 } as const;

export interface RoleConnectionField extends LocalizedText {
  key: string;
  type: (typeof ROLE_CONNECTION_TYPES)[keyof typeof ROLE_CONNECTION_TYPES];
}

const field = (key: 'level' | 'games_won' | 'daily_streak'): RoleConnectionField => ({
  key,
  type: ROLE_CONNECTION_TYPES.IntegerGreaterThanOrEqual,
  ...localizedText(ROLE_CONNECTION_TEXTS, key),
});

/** `level` is the rank number (1 Recruit … 10 Legend); `games_won`; `daily_streak` (days). */
export const ROLE_CONNECTION_METADATA: readonly RoleConnectionField[] = [
  field('level'),
  field('games_won'),
  field('daily_streak'),
];
