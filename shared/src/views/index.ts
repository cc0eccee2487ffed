export * from './profile';
export * from './leaderboard';
export * from './daily-status';
export * from './notification-settings';
export * from './recorded';
export * from './player-id';
