import { readdirSync, readFileSync } from 'node:fs';
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
  it('build on a base pinned by digest, of the Makefile’s Node.js release', () => {
    expect(/^ARG NODE_VERSION=(\S+)$/m.exec(dockerfile)?.[1]).toBe(/^NODE_VERSION := (\S+)$/m.exec(makefile)![1]);
    expect(dockerfile).toMatch(/^ARG NODE_IMAGE_DIGEST=(sha256:[0-9a-f]{64})?$/m);
    expect(dockerfile).toContain(
      'ARG NODE_IMAGE=node:${NODE_VERSION}-bookworm-slim${NODE_IMAGE_DIGEST:+@}${NODE_IMAGE_DIGEST}',
    );
    expect(dockerfile).toMatch(/^FROM \$\{NODE_IMAGE\} AS base$/m);
    // images.yml refuses a release without the digest and checks what the digest runs.
    const check = steps('images.yml', 'base-image').find((s) => /NODE_IMAGE_DIGEST/.test(s.name ?? ''))!;
    expect(check.env.RELEASE).toContain("startsWith(github.ref, 'refs/tags/v')");
    expect(check.run).toContain('docker buildx imagetools inspect');
    expect(check.run).toContain('linux/amd64 linux/arm64');
    expect(workflow('images.yml').jobs.build.needs).toContain('base-image');
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
