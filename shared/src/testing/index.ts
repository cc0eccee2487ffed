export { createTestDatabase, withDatabase, type TestDatabase } from './test-database';
export { dockerAvailable } from './postgres-server';
