export * from './rank-card';
export * from './avatar';
