export * from './delivery-error';
export * from './discord-driver';
export * from './telegram-driver';
export * from './website-driver';
