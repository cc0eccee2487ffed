import { readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv';
import * as monitoringV1 from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';
import * as appsV1 from 'kubernetes-models/apps/v1';
import * as autoscalingV2 from 'kubernetes-models/autoscaling/v2';
import * as batchV1 from 'kubernetes-models/batch/v1';
import * as networkingV1 from 'kubernetes-models/networking.k8s.io/v1';
import * as policyV1 from 'kubernetes-models/policy/v1';
import * as coreV1 from 'kubernetes-models/v1';
import ts from 'typescript';
import type { K8sObject } from './helm';
import { repoRoot } from './tools';

/*
 * Rendered objects are checked twice against the Kubernetes OpenAPI schemas that
 * kubernetes-models (and @kubernetes-models/prometheus-operator for the monitoring CRDs) ship:
 *  1. their JSON-schema validators (types, required fields, formats, enums);
 *  2. their generated TypeScript declarations, by type-checking every object as an object literal
 *     of its model's interface: this catches unknown fields (a misspelt `readinessprobe`), which
 *     the JSON schemas let through, like kubeconform -strict.
 * CloudNativePG and KEDA ship no such package: their Cluster, ScheduledBackup and ScaledObject are
 * checked against the vendored subsets in charts/test/schemas.
 */

const modelModules: Record<string, string> = {
  v1: 'kubernetes-models/v1',
  'apps/v1': 'kubernetes-models/apps/v1',
  'batch/v1': 'kubernetes-models/batch/v1',
  'policy/v1': 'kubernetes-models/policy/v1',
  'autoscaling/v2': 'kubernetes-models/autoscaling/v2',
  'networking.k8s.io/v1': 'kubernetes-models/networking.k8s.io/v1',
  'monitoring.coreos.com/v1': '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1',
};

type ModelClass = new (data: unknown) => { validate(): void };
const models: Record<string, Record<string, unknown>> = {
  v1: coreV1,
  'apps/v1': appsV1,
  'batch/v1': batchV1,
  'policy/v1': policyV1,
  'autoscaling/v2': autoscalingV2,
  'networking.k8s.io/v1': networkingV1,
  'monitoring.coreos.com/v1': monitoringV1,
};

const vendoredSchemas: Record<string, string> = {
  'postgresql.cnpg.io/v1/Cluster': 'postgresql.cnpg.io_v1_Cluster.json',
  'postgresql.cnpg.io/v1/ScheduledBackup': 'postgresql.cnpg.io_v1_ScheduledBackup.json',
  'keda.sh/v1alpha1/ScaledObject': 'keda.sh_v1alpha1_ScaledObject.json',
};

const ajv = new Ajv({ allErrors: true, strict: false });
ajv.addFormat('int32', { type: 'number', validate: (n: number) => Number.isInteger(n) && Math.abs(n) < 2 ** 31 });
const vendoredValidators = new Map<string, ReturnType<typeof ajv.compile>>();

function vendoredValidator(key: string) {
  let validate = vendoredValidators.get(key);
  if (!validate) {
    const file = path.join(__dirname, '../schemas', vendoredSchemas[key]);
    validate = ajv.compile(JSON.parse(readFileSync(file, 'utf8')));
    vendoredValidators.set(key, validate);
  }
  return validate;
}

const describe = (o: K8sObject) => `${o.kind}/${o.metadata?.name ?? '?'}`;

/** JSON-schema validation of each object; returns one message per invalid object. */
function validateBySchema(objects: K8sObject[]): string[] {
  const errors: string[] = [];
  for (const object of objects) {
    const key = `${object.apiVersion}/${object.kind}`;
    if (vendoredSchemas[key]) {
      const validate = vendoredValidator(key);
      if (!validate(object)) {
        errors.push(`${describe(object)}: ${ajv.errorsText(validate.errors, { dataVar: object.kind })}`);
      }
      continue;
    }
    const group = models[object.apiVersion];
    if (!group) {
      errors.push(`${describe(object)}: no schema for apiVersion ${object.apiVersion}`);
      continue;
    }
    const Model = group[object.kind] as ModelClass | undefined;
    if (!Model) {
      errors.push(`${describe(object)}: ${object.apiVersion} has no kind ${object.kind}`);
      continue;
    }
    try {
      new Model(object).validate();
    } catch (err) {
      errors.push(`${describe(object)}: ${(err as Error).message}`);
    }
  }
  return errors;
}

const declarations = new Map<string, ts.SourceFile>();

/** Type-checks every object against its model's interface (unknown fields are errors). */
function validateByTypes(objects: K8sObject[]): string[] {
  const typed = objects.filter((o) => modelModules[o.apiVersion] && !vendoredSchemas[`${o.apiVersion}/${o.kind}`]);
  if (typed.length === 0) return [];
  const imports = new Map<string, string>();
  const lines: string[] = [];
  typed.forEach((object, index) => {
    const specifier = `${modelModules[object.apiVersion]}/${object.kind}`;
    if (!imports.has(specifier)) imports.set(specifier, `T${imports.size}`);
    lines.push(`export const o${index}: ${imports.get(specifier)} = ${JSON.stringify(object)};`);
  });
  const header = [...imports].map(([specifier, alias]) => {
    const kind = specifier.split('/').pop();
    return `import type { I${kind} as ${alias} } from '${specifier}';`;
  });
  const source = [...header, ...lines].join('\n');
  const file = path.join(repoRoot, 'charts/test/rendered-objects.ts');

  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: [],
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
  };
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists, readFile } = host;
  host.getSourceFile = (name, version, ...rest) => {
    if (name === file) return ts.createSourceFile(name, source, version);
    // The declaration files are the same for every check: parse them once.
    let parsed = declarations.get(name);
    if (!parsed) {
      parsed = getSourceFile.call(host, name, version, ...rest);
      if (parsed) declarations.set(name, parsed);
    }
    return parsed;
  };
  host.fileExists = (name) => name === file || fileExists.call(host, name);
  host.readFile = (name) => (name === file ? source : readFile.call(host, name));
  const program = ts.createProgram([file], options, host);

  return ts.getPreEmitDiagnostics(program).map((diagnostic) => {
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, ' ');
    if (diagnostic.file?.fileName !== file || diagnostic.start === undefined) return message;
    const { line } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
    const object = typed[line - header.length];
    return `${object ? describe(object) : `line ${line}`}: ${message.slice(0, 400)}`;
  });
}

/** Every problem found in the objects, empty when all are valid. */
export function validateObjects(objects: K8sObject[]): string[] {
  return [...validateBySchema(objects), ...validateByTypes(objects)];
}
