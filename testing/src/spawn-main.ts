import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { waitUntil } from './http-fake';

/** A service's main.ts in its own process, as `make run` and a container start it. */
export interface MainProcess {
  child: ChildProcess;
  /** Everything it wrote to stdout and stderr so far. */
  output(): string;
  /** Its exit code once it exits. */
  exited: Promise<number | null>;
  /** Waits until `text` appears in its output; fails at once if it exits first. */
  logged(text: string, timeoutMs?: number): Promise<void>;
}

/** `node -r` this file to run TypeScript sources in a child process (e.g. a service's main.ts). */
export const REGISTER_TS = path.join(__dirname, 'register-ts.cjs');
const running = new Set<ChildProcess>();

/** Runs a TypeScript entry point from source with only PATH and `env` in its environment. */
export function spawnMain(entry: string, env: Record<string, string>): MainProcess {
  const child = spawn(process.execPath, ['-r', REGISTER_TS, entry], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      running.delete(child);
      resolve(code);
    }),
  );
  const logged = async (text: string, timeoutMs = 20_000) => {
    await waitUntil(
      () => {
        if (child.exitCode !== null) throw new Error(`${path.basename(entry)} exited early:\n${output}`);
        return output.includes(text);
      },
      timeoutMs,
      `"${text}" in the log`,
    );
  };
  return { child, output: () => output, exited, logged };
}

/** Kills whatever spawnMain started and is still running (for afterEach or afterAll). */
export function killSpawned(): void {
  for (const child of running) child.kill('SIGKILL');
}
