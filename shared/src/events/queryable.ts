import type { ClientBase, Pool } from 'pg';

/** A pool (one statement, autocommit) or a checked-out client (inside a transaction). */
export type Queryable = Pool | ClientBase;
