import type { OtherAccount, Platform } from '@ttfd/shared';

export interface ProfileView {
  name: string;
  xp: number;
  coins: number;
  /** Rank id. */
  rank: number;
  /** The next rank's id and the XP still missing; null at the top rank. */
  next: { rank: number; missing: number; percent: number } | null;
  gamesPlayed: number;
  gamesWon: number;
  streak: number;
  achievements: string[];
  platforms: Platform[];
  seasonXp: number;
}

export interface BoardLine {
  position: number;
  name: string | null;
  score: number;
  isMe: boolean;
}

/** One account in a merge preview. */
export interface AccountView {
  xp: number;
  coins: number;
  gamesPlayed: number;
  platforms: Platform[];
}

export interface MergePreviewView {
  /** The account this Telegram user would join: masked identities and names. */
  other: OtherAccount;
  /** Whose account stays: 'theirs' also when this Telegram user has no account yet. */
  keeps: 'yours' | 'theirs';
  /** When two accounts merge: this user's account, the other one, and the result. */
  accounts: { mine: AccountView; other: AccountView; after: AccountView } | null;
}

export interface Texts {
  /** The command menu (setMyCommands and /help), keyed by command name. */
  commands: Record<'start' | 'profile' | 'daily' | 'dice' | 'top' | 'link' | 'notify' | 'help', string>;
  /** Names from the shared catalogue, in this language. */
  rank(id: number): string;
  achievement(key: string): string;
  platform(p: Platform): string;
  welcomeNew(name: string): string;
  welcomeBack(name: string): string;
  help(lines: string[]): string;
  profile(p: ProfileView, t: Texts): string;
  dailyClaimed(r: { streak: number; xp: number; coins: number }): string;
  dailyAlready(wait: { hours: number; minutes: number }): string;
  diceCooldown(seconds: number): string;
  /** A /dice update delivered again: the game was played and answered already. */
  diceDuplicate: string;
  diceResult(r: { player: number; bot: number; outcome: 'win' | 'loss' | 'draw'; xp: number; coins: number }): string;
  topTitle(board: 'overall' | 'season', seasonName: string | null): string;
  topLine(l: BoardLine): string;
  topMe(position: number, score: number): string;
  topEmpty: string;
  topHint: string;
  notifyOn: string;
  notifyOff: string;
  notifyStatus(enabled: boolean): string;
  linkCreated(code: string, minutes: number): string;
  linkDone(platforms: Platform[], t: Texts): string;
  linkInvalid: string;
  linkTooManyAttempts(minutes: number): string;
  linkAlready: string;
  linkConflict: string;
  linkBusy(seconds: number): string;
  mergeAsk(p: MergePreviewView, t: Texts): string;
  /** Someone typed this Telegram id into the old Discord bot or website: who, before the merge question. */
  legacyClaim(other: OtherAccount, t: Texts): string;
  mergeConfirm: string;
  mergeCancel: string;
  mergeDone(after: AccountView, t: Texts): string;
  mergeCancelled: string;
  mergeExpired: string;
  privateOnly(bot: string): string;
  notACommand: string;
  unknownCommand: string;
  sorry: string;
}
