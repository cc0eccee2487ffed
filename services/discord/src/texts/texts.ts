import type { OtherAccount, Platform } from '@ttfd/shared';

/** One account in a merge preview. */
export interface AccountView {
  xp: number;
  coins: number;
  gamesPlayed: number;
  platforms: Platform[];
}

export interface MergeAskView {
  other: OtherAccount;
  keeps: 'yours' | 'theirs';
  accounts: { mine: AccountView; other: AccountView; after: AccountView } | null;
}

/** Every text of the bot's replies in one language (names of ranks and platforms from the shared catalogue). */
export interface Texts {
  rank(id: number): string;
  platform(p: Platform): string;
  profileTitle(name: string): string;
  profileFields: {
    rank: string;
    xp: string;
    next: string;
    top: string;
    coins: string;
    season: string;
    streak: string;
    games: string;
    place: string;
  };
  profileNext(missing: number, rank: string): string;
  profileGames(played: number, won: number): string;
  days(n: number): string;
  profileNone(name: string): string;
  botsHaveNoProfile: string;
  topTitle(board: 'overall' | 'season', seasonName: string | null, page: number): string;
  topLine(l: { position: number; name: string | null; score: number; isMe: boolean }): string;
  topMe(position: number, score: number): string;
  topEmpty: string;
  dailyTitle: string;
  dailyClaimed(r: { streak: number; xp: number; coins: number }): string;
  dailyAlready(wait: { hours: number; minutes: number }): string;
  notifyOn: string;
  notifyOff: string;
  linkTitle: string;
  linkCreated(code: string, minutes: number): string;
  linkDone(platforms: Platform[]): string;
  linkInvalid: string;
  linkTooManyAttempts(minutes: number): string;
  linkAlready: string;
  linkConflict: string;
  linkBusy(seconds: number): string;
  mergeAskTitle: string;
  mergeAsk(view: MergeAskView): string;
  mergeConfirm: string;
  mergeCancel: string;
  mergeDone(after: AccountView): string;
  mergeCancelled: string;
  /** A used, expired or foreign confirmation button. */
  mergeExpired: string;
  guildOnly: string;
  unknownCommand: string;
  sorry: string;
}
