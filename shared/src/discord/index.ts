export * from './commands';
export * from './role-connection-metadata';
