/** What other packages use of the website: the bench's bare peer reads a session with the store's own statement. */
export { READ_SESSION_SQL } from './core/session';
