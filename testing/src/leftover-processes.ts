import fs from 'node:fs';

/**
 * The processes (pids) whose environment holds `name=value`: give a process tree a marker
 * variable when starting it, and after it stopped this lists what it left behind
 * (children inherit the environment). Linux only (/proc).
 */
export function processesMarked(name: string, value: string): number[] {
  const marker = Buffer.from(`${name}=${value}\0`);
  const found: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (fs.readFileSync(`/proc/${entry}/environ`).includes(marker)) found.push(Number(entry));
    } catch {
      // Gone meanwhile, or not ours to read.
    }
  }
  return found;
}
