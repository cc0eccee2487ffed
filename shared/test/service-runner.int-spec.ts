import path from 'node:path';
import { killSpawned, spawnMain, waitUntil } from '@ttfd/testing';

const SERVICE = path.resolve(__dirname, 'fixtures/drain-service.ts');

/** The fixture service in its own process, as a container runs a service. */
function start(env: Record<string, string>) {
  const svc = spawnMain(SERVICE, { LOG_LEVEL: 'info', ...env });
  const up = async () => {
    await waitUntil(() => /"port":(\d+)/.test(svc.output()), 20_000, 'the service to listen');
    return Number(/"port":(\d+)/.exec(svc.output())![1]);
  };
  const lines = (msg: string) =>
    svc
      .output()
      .split('\n')
      .filter((l) => l.includes(`"msg":"${msg}`));
  return { ...svc, up, lines };
}

afterAll(() => killSpawned());

it('on SIGTERM stops being ready, drains once and exits 0', async () => {
  const svc = start({ DRAIN_MS: '1500', SHUTDOWN_GRACE_SECONDS: '10' });
  const port = await svc.up();
  expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
  svc.child.kill('SIGTERM');
  await waitUntil(() => svc.lines('drain started').length > 0, 5_000, 'the drain');
  const during = await fetch(`http://127.0.0.1:${port}/readyz`);
  expect(during.status).toBe(503);
  expect(await during.text()).toBe('not ready: shutting down\n');
  expect(await svc.exited).toBe(0);
  expect(svc.lines('draining')).toHaveLength(1);
  expect(svc.lines('drained; exiting')).toHaveLength(1);
});

it('stops at once with exit 1 when the drain outlasts the grace period', async () => {
  const svc = start({ DRAIN_MS: '60000', SHUTDOWN_GRACE_SECONDS: '1' });
  await svc.up();
  const at = Date.now();
  svc.child.kill('SIGTERM');
  expect(await svc.exited).toBe(1);
  expect(Date.now() - at).toBeLessThan(5_000);
  expect(svc.output()).toContain('the drain took longer than 1 s: stopping now');
});

it('stops at once with exit 130 on a second signal', async () => {
  const svc = start({ DRAIN_MS: '60000', SHUTDOWN_GRACE_SECONDS: '60' });
  await svc.up();
  svc.child.kill('SIGTERM');
  await waitUntil(() => svc.lines('drain started').length > 0, 5_000, 'the drain');
  svc.child.kill('SIGINT');
  expect(await svc.exited).toBe(130);
  expect(svc.output()).toContain('second signal (SIGINT): stopping now');
});

it('names an invalid variable and exits 78 before starting anything', async () => {
  const svc = start({ DRAIN_MS: '1', SHUTDOWN_GRACE_SECONDS: 'soon' });
  expect(await svc.exited).toBe(78);
  expect(svc.output()).toContain('SHUTDOWN_GRACE_SECONDS: Invalid input');
  expect(svc.output()).not.toContain('"port"');
});
