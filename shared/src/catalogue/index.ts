export * from './locale';
export * from './ranks';
export * from './achievements';
export * from './platforms';
export * from './event-descriptions';
export * from './refusals';
export * from './notification-channels';
export * from './discord';
