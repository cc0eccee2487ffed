/** Stops the run's PostgreSQL (a no-op for DATABASE_URL). */
export default async function globalTeardown(): Promise<void> {
  await globalThis.__TTFD_TEST_PG__?.stop();
}
