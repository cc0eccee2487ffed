import http from 'node:http';
import { summarize } from './percentiles';

export interface HttpLoadResult {
  requests: number;
  errors: number;
  rps: number;
  p50_ms: number | null;
  p99_ms: number | null;
}

/**
 * `connections` keep-alive clients, each sending its next GET as soon as the last answer
 * is read, for `seconds`: requests per second and latency percentiles. `path` may differ
 * per request (deep pages spread over the board). Answers other than 200 count as errors.
 */
export async function runHttpLoad(options: {
  url: string;
  path: (i: number) => string;
  /** Headers of request i (e.g. a different signed-in player per request). */
  headers?: (i: number) => Record<string, string>;
  connections: number;
  seconds: number;
}): Promise<HttpLoadResult> {
  const target = new URL(options.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.connections });
  const latencies: number[] = [];
  let errors = 0;
  let issued = 0;
  const deadline = performance.now() + options.seconds * 1000;
  const one = () =>
    new Promise<void>((resolve) => {
      const started = performance.now();
      const i = issued++;
      const req = http.get(
        { host: target.hostname, port: target.port, path: options.path(i), agent, headers: options.headers?.(i) },
        (res) => {
          res.resume();
          res.on('end', () => {
            if (res.statusCode === 200) latencies.push(performance.now() - started);
            else errors++;
            resolve();
          });
        },
      );
      req.on('error', () => {
        errors++;
        resolve();
      });
    });
  const started = performance.now();
  await Promise.all(
    Array.from({ length: options.connections }, async () => {
      while (performance.now() < deadline) await one();
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  agent.destroy();
  const s = summarize(latencies);
  return {
    requests: latencies.length,
    errors,
    rps: Math.round(latencies.length / elapsed),
    p50_ms: s.p50_ms,
    p99_ms: s.p99_ms,
  };
}
