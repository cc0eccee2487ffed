import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import type { Json } from './support/helm';
import { repoRoot } from './support/tools';

const workflowsDir = path.join(repoRoot, '.github/workflows');
const workflows = readdirSync(workflowsDir)
  .filter((f) => f.endsWith('.yml'))
  .map((f) => ({ file: f, text: readFileSync(path.join(workflowsDir, f), 'utf8') }));
const workflow = (file: string) => parse(workflows.find((w) => w.file === file)!.text);
const steps = (file: string, job: string): Json[] => workflow(file).jobs[job].steps;
const dockerfile = readFileSync(path.join(repoRoot, 'Dockerfile'), 'utf8');
const makefile = readFileSync(path.join(repoRoot, 'Makefile'), 'utf8');

describe('the workflows', () => {
  it('pin every action by a full commit SHA, with the release it is in a comment', () => {
    const uses = workflows.flatMap(({ file, text }) =>
      [...text.matchAll(/^\s*(?:-\s+)?uses:\s*(\S+)(.*)$/gm)].map((m) => ({
        file,
        action: m[1],
        comment: m[2].trim(),
      })),
    );
    expect(uses.length).toBeGreaterThan(10);
    for (const use of uses) {
      expect({ ...use, pinned: /^[\w.-]+\/[\w.-]+@[0-9a-f]{40}$/.test(use.action) }).toEqual({ ...use, pinned: true });
      expect(use.comment).toMatch(/^# v\d+(\.\d+)*$/);
    }
  });

  it('run Node.js 24.22.3, the release the Makefile pins', () => {
    const version = /^NODE_VERSION := (\S+)$/m.exec(makefile)![1];
    expect(version).toBe('24.22.3');
    const nodeVersions = workflows.flatMap(({ text }) => [...text.matchAll(/node-version: (\S+)/g)].map((m) => m[1]));
    expect(nodeVersions.length).toBeGreaterThan(0);
    expect(new Set(nodeVersions)).toEqual(new Set([version]));
  });
});

describe('the images', () => {
  const script = path.join(repoRoot, '.github/scripts/base-image.sh');
  const baseImage = (args: string[], files: { dockerfile?: string } = {}) =>
    spawnSync('bash', [script, ...args], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', ...(files.dockerfile ? { DOCKERFILE: files.dockerfile } : {}) },
    });
  let scratch: string;
  beforeAll(() => {
    scratch = mkdtempSync(path.join(tmpdir(), 'ttfd-base-image-'));
  });
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));
  /** A copy of the Dockerfile, changed by `edit`, for the script to check. */
  const dockerfileCopy = (name: string, edit: (text: string) => string) => {
    const file = path.join(scratch, name);
    writeFileSync(file, edit(dockerfile));
    return file;
  };

  it('build on a base whose tag and digest are written once, in the Dockerfile’s ARG defaults', () => {
    const version = /^NODE_VERSION := (\S+)$/m.exec(makefile)![1];
    expect(baseImage(['tag']).stdout.trim()).toBe(`node:${version}-bookworm-slim`);
    const digest = /^ARG NODE_IMAGE_DIGEST=(.*)$/m.exec(dockerfile)![1];
    // When set, the pin is a sha256 digest and FROM pulls the tag at that digest.
    expect(digest).toMatch(/^(sha256:[0-9a-f]{64})?$/);
    expect(baseImage(['digest']).stdout.trim()).toBe(digest);
    expect(baseImage(['ref']).stdout.trim()).toBe(`node:${version}-bookworm-slim${digest ? `@${digest}` : ''}`);
    expect(dockerfile).toContain(
      'ARG NODE_IMAGE=node:${NODE_VERSION}-bookworm-slim${NODE_IMAGE_DIGEST:+@}${NODE_IMAGE_DIGEST}',
    );
    expect(dockerfile).toMatch(/^FROM \$\{NODE_IMAGE\} AS base$/m);
    const check = baseImage(['check']);
    expect(check.stderr).toBe('');
    expect(check.status).toBe(0);
  });

  it('are checked by one script that refuses a malformed pin, a stage not built on it, and (for a release) no pin', () => {
    const malformed = baseImage(['check'], {
      dockerfile: dockerfileCopy('malformed', (t) =>
        t.replace(/^ARG NODE_IMAGE_DIGEST=.*$/m, 'ARG NODE_IMAGE_DIGEST=sha256:1234'),
      ),
    });
    expect(malformed.status).toBe(1);
    expect(malformed.stderr).toContain('NODE_IMAGE_DIGEST in');
    expect(malformed.stderr).toContain('is not a sha256 digest: sha256:1234');

    const unpinnedStage = baseImage(['check'], {
      dockerfile: dockerfileCopy('stage', (t) => t.replace(/^FROM base AS build$/m, 'FROM node:24 AS build')),
    });
    expect(unpinnedStage.status).toBe(1);
    expect(unpinnedStage.stderr).toContain('FROM node:24 in');
    expect(unpinnedStage.stderr).toContain('is neither ${NODE_IMAGE} (the pinned base) nor an earlier stage');

    const unpinned = dockerfileCopy('unpinned', (t) =>
      t.replace(/^ARG NODE_IMAGE_DIGEST=.*$/m, 'ARG NODE_IMAGE_DIGEST='),
    );
    const release = baseImage(['check', '--pinned'], { dockerfile: unpinned });
    expect(release.status).toBe(1);
    expect(release.stderr).toMatch(
      /the base is not pinned: set ARG NODE_IMAGE_DIGEST in .* to the index digest of node:/,
    );
  });

  it('are pinned by rewriting the one ARG line, which FROM then pulls at that digest', () => {
    // A digest made up for the copy, never written to the repository's Dockerfile.
    const digest = `sha256:${createHash('sha256').update('a test digest').digest('hex')}`;
    const file = dockerfileCopy('set', (t) => t);
    const set = baseImage(['set', digest], { dockerfile: file });
    expect(set.stderr).toBe('');
    expect(set.status).toBe(0);
    const written = readFileSync(file, 'utf8');
    expect(written.match(/^ARG NODE_IMAGE_DIGEST=.*$/gm)).toEqual([`ARG NODE_IMAGE_DIGEST=${digest}`]);
    expect(written.replace(/^ARG NODE_IMAGE_DIGEST=.*$/m, '')).toBe(
      dockerfile.replace(/^ARG NODE_IMAGE_DIGEST=.*$/m, ''),
    );
    expect(baseImage(['ref'], { dockerfile: file }).stdout.trim()).toMatch(
      new RegExp(`^node:[^@]+-bookworm-slim@${digest}$`),
    );
    expect(baseImage(['check', '--pinned'], { dockerfile: file }).status).toBe(0);
    expect(baseImage(['set', 'latest'], { dockerfile: file }).status).toBe(1);
  });

  it('refuse a release on an unpinned base (images.yml, through the script)', () => {
    const check = steps('images.yml', 'base-image').find((s) => /NODE_IMAGE_DIGEST/.test(s.name ?? ''))!;
    expect(check.env.RELEASE).toContain("startsWith(github.ref, 'refs/tags/v')");
    expect(check.run).toContain('.github/scripts/base-image.sh check --pinned');
    expect(check.run).toContain('linux/amd64 linux/arm64');
    expect(workflow('images.yml').jobs.build.needs).toContain('base-image');
  });

  it('get a pull request when the tag’s digest moves (base-image.yml, scheduled and by hand)', () => {
    const pin = workflow('base-image.yml');
    expect(Object.keys(pin.on).sort()).toEqual(['schedule', 'workflow_dispatch']);
    expect(pin.on.schedule[0].cron).toMatch(/^\S+ \S+ \S+ \S+ \S+$/);
    expect(pin.permissions).toEqual({ contents: 'read' });
    expect(pin.jobs.pin.permissions).toEqual({ contents: 'write', 'pull-requests': 'write' });
    const [resolve, propose] = pin.jobs.pin.steps.filter((s: Json) => s.run);
    expect(resolve.run).toContain('.github/scripts/base-image.sh tag');
    expect(resolve.run).toContain('.github/scripts/base-image.sh digest');
    expect(resolve.run).toContain('docker buildx imagetools inspect "$tag" --format \'{{json .Manifest}}\'');
    expect(resolve.run).toContain('contains(["linux/amd64", "linux/arm64"])');
    expect(propose.if).toBe('steps.resolve.outputs.current != steps.resolve.outputs.pinned');
    expect(propose.run).toContain('.github/scripts/base-image.sh set "$CURRENT"');
    expect(propose.run).toContain('gh pr create');
    expect(pin.jobs.pin.steps.some((s: Json) => s.uses?.startsWith('docker/setup-qemu-action@'))).toBe(true);
  });

  it('are released for amd64 and arm64 with an SBOM and a provenance attestation', () => {
    const release = steps('images.yml', 'build').find((s) => s.id === 'release')!;
    expect(release.if).toBe("env.RELEASE == 'true'");
    expect(release.with).toMatchObject({
      platforms: 'linux/amd64,linux/arm64',
      push: true,
      sbom: true,
      provenance: 'mode=max',
    });
    expect(steps('images.yml', 'build').some((s) => s.uses?.startsWith('docker/setup-qemu-action@'))).toBe(true);
    // Pull requests build both platforms too, without pushing.
    const both = steps('images.yml', 'build').find((s) => s.name === 'Both platforms build')!;
    expect(both.with).toMatchObject({ platforms: 'linux/amd64,linux/arm64', push: false });
  });
});

describe('the kind workflow', () => {
  it('runs helm test after the install and after the upgrade, in both database modes', () => {
    const install = steps('kind.yml', 'install');
    const runs = install.map((s) => String(s.run ?? '')).join('\n');
    const order = [...runs.matchAll(/helm (install|upgrade|test) (ttfd(?:-hook)?)/g)].map((m) => `${m[1]} ${m[2]}`);
    expect(order).toEqual([
      'install ttfd',
      'test ttfd',
      'upgrade ttfd',
      'test ttfd',
      'install ttfd-hook',
      'test ttfd-hook',
      'upgrade ttfd-hook',
      'test ttfd-hook',
    ]);
  });
});
