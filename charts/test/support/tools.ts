import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

export const repoRoot = path.resolve(__dirname, '../../..');
export const chartDir = path.join(repoRoot, 'charts/ttfd');

/** A tool from .tools/bin (helm, kubectl) or, for promtool, also from PATH. */
export function tool(name: 'helm' | 'kubectl' | 'promtool'): string {
  const local = path.join(repoRoot, '.tools/bin', name);
  if (existsSync(local)) return local;
  if (name === 'promtool') {
    try {
      return execFileSync('sh', ['-c', 'command -v promtool'], { encoding: 'utf8' }).trim();
    } catch {
      // reported below
    }
  }
  throw new Error(`${name} is not installed: run \`make tools\` (charts/install-tools.sh) first`);
}

export interface RunResult {
  status: number;
  stdout: string;
  stderr: string;
}

/** Runs a tool and returns its exit status and output, whether it succeeded or not. */
export function run(command: string, args: string[], cwd = repoRoot, input?: string): RunResult {
  try {
    const stdout = execFileSync(command, args, {
      cwd,
      input,
      encoding: 'utf8',
      stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      maxBuffer: 64 * 1024 * 1024,
    });
    return { status: 0, stdout, stderr: '' };
  } catch (err) {
    const e = err as { status?: number; stdout?: string; stderr?: string };
    if (e.status === undefined || e.status === null) throw err;
    return { status: e.status, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}
