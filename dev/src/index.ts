export {
  startEmbeddedPostgres,
  freePort,
  type EmbeddedPostgres,
  type EmbeddedPostgresOptions,
} from './embedded-postgres';
