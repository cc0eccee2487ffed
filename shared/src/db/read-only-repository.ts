import type { DataSource, EntityTarget, ObjectLiteral, Repository } from 'typeorm';

const READS = [
  'find',
  'findBy',
  'findOne',
  'findOneBy',
  'findOneOrFail',
  'findOneByOrFail',
  'findAndCount',
  'count',
  'countBy',
  'exists',
  'existsBy',
] as const;

/** The reads of a TypeORM repository, and nothing that writes. */
export type ReadOnlyRepository<T extends ObjectLiteral> = Pick<Repository<T>, (typeof READS)[number]>;

/**
 * A repository for reading an entity. Every table is written only by @ttfd/shared's write
 * path (one statement that also appends the events), so services get no `save`, `insert`,
 * `update`, `delete`, `remove` or `upsert`, at compile time or at run time.
 */
export function readOnlyRepository<T extends ObjectLiteral>(
  dataSource: DataSource,
  entity: EntityTarget<T>,
): ReadOnlyRepository<T> {
  const repository = dataSource.getRepository(entity);
  return Object.freeze(
    Object.fromEntries(READS.map((name) => [name, repository[name].bind(repository)])),
  ) as ReadOnlyRepository<T>;
}
