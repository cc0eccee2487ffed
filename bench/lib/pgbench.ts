import { spawn } from 'node:child_process';
import fs from 'node:fs';

const CANDIDATES = [
  '/usr/lib/postgresql/18/bin/pgbench',
  '/usr/lib/postgresql/17/bin/pgbench',
  '/usr/lib/postgresql/16/bin/pgbench',
  '/usr/lib/postgresql/15/bin/pgbench',
];

export function findPgbench(): string {
  const found = process.env.PGBENCH ?? CANDIDATES.find((p) => fs.existsSync(p));
  if (!found)
    throw new Error(
      'pgbench not found: install PostgreSQL client tools (apt-get install postgresql-contrib) or set PGBENCH',
    );
  return found;
}

export interface PgbenchResult {
  tps: number;
  failed: number;
  latencyMs: number;
}

/** Runs a pgbench custom script for `seconds` at `clients` and parses its summary. */
export async function pgbench(
  url: string,
  scriptFile: string,
  clients: number,
  seconds: number,
): Promise<PgbenchResult> {
  const u = new URL(url);
  const args = [
    '-h',
    u.hostname,
    '-p',
    u.port,
    '-U',
    decodeURIComponent(u.username),
    '-n',
    '-M',
    'prepared',
    '-f',
    scriptFile,
    '-c',
    String(clients),
    '-j',
    String(Math.min(clients, 2)),
    '-T',
    String(seconds),
    u.pathname.slice(1),
  ];
  const output = await new Promise<string>((resolve, reject) => {
    const child = spawn(findPgbench(), args, { env: { ...process.env, PGPASSWORD: decodeURIComponent(u.password) } });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`pgbench exited ${code}:\n${out}`))));
  });
  const tps = Number(/tps = ([\d.]+) \(without initial connection time\)/.exec(output)?.[1]);
  if (!tps) throw new Error(`could not read pgbench output:\n${output}`);
  return {
    tps: Math.round(tps),
    failed: Number(/number of failed transactions: (\d+)/.exec(output)?.[1] ?? 0),
    latencyMs: Number(/latency average = ([\d.]+) ms/.exec(output)?.[1]),
  };
}
