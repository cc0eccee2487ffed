export {
  startEmbeddedPostgres,
  freePort,
  postgresPrograms,
  type EmbeddedPostgres,
  type EmbeddedPostgresOptions,
} from './embedded-postgres';
