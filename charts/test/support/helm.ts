import { readdirSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { chartDir, run, tool } from './tools';

/** Parsed YAML/JSON, read by the tests without ceremony. */
export type Json = any;

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: Json;
  [key: string]: Json;
}

export const ciValuesFiles = readdirSync(path.join(chartDir, 'ci'))
  .filter((f) => f.endsWith('.yaml'))
  .sort()
  .map((f) => path.join(chartDir, 'ci', f));

export const ciValues = (name: string) => path.join(chartDir, 'ci', `${name}-values.yaml`);

export interface RenderOptions {
  values?: string[];
  set?: Record<string, string>;
  isUpgrade?: boolean;
  namespace?: string;
}

function templateArgs(options: RenderOptions): string[] {
  const args = ['template', 'ttfd', chartDir, '--namespace', options.namespace ?? 'ttfd'];
  for (const file of options.values ?? []) args.push('--values', file);
  for (const [key, value] of Object.entries(options.set ?? {})) args.push('--set', `${key}=${value}`);
  if (options.isUpgrade) args.push('--is-upgrade');
  return args;
}

export function parseManifests(text: string): K8sObject[] {
  return parseAllDocuments(text)
    .map((doc) => {
      if (doc.errors.length > 0) throw new Error(`invalid YAML: ${doc.errors[0].message}`);
      return doc.toJS() as K8sObject | null;
    })
    .filter((obj): obj is K8sObject => obj !== null);
}

const renders = new Map<string, string>();

/** `helm template` (once per set of options); throws with helm's message when rendering fails. */
export function render(options: RenderOptions = {}): K8sObject[] {
  const args = templateArgs(options);
  const key = JSON.stringify(args);
  if (!renders.has(key)) {
    const result = run(tool('helm'), args);
    if (result.status !== 0) throw new Error(result.stderr.trim());
    renders.set(key, result.stdout);
  }
  return parseManifests(renders.get(key)!);
}

/** The error helm prints when rendering must fail. */
export function renderError(options: RenderOptions): string {
  const result = run(tool('helm'), templateArgs(options));
  if (result.status === 0) throw new Error('helm template succeeded but was expected to fail');
  return result.stderr;
}

export function find(objects: K8sObject[], kind: string, name: string): K8sObject {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) {
    const have = objects.map((o) => `${o.kind}/${o.metadata.name}`).join(', ');
    throw new Error(`no ${kind}/${name} in the render (have: ${have})`);
  }
  return found;
}

export const ofKind = (objects: K8sObject[], kind: string) => objects.filter((o) => o.kind === kind);

/** Every pod of the render: Deployments' and Jobs' templates, and bare Pods (the `helm test` hooks). */
export function podSpecs(objects: K8sObject[]): { owner: string; spec: Json }[] {
  return objects
    .filter((o) => o.kind === 'Deployment' || o.kind === 'Job' || o.kind === 'Pod')
    .map((o) => ({ owner: `${o.kind}/${o.metadata.name}`, spec: o.kind === 'Pod' ? o.spec : o.spec.template.spec }));
}
