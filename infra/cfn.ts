/**
 * Turns the CloudFormation resources of infra/*.yml (the single source of truth, also
 * deployed by serverless.yml) into local definitions: CreateTable / UpdateTimeToLive inputs
 * for DynamoDB Local and CreateQueue inputs for the SQS emulator.
 * Pure functions, apart from `loadInfraResources` which only reads the YAML files.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CreateTableCommandInput, TimeToLiveSpecification } from '@aws-sdk/client-dynamodb';
import { parseCfnYaml } from './cfn-yaml.js';

export interface CfnResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
}
export type CfnResources = Readonly<Record<string, CfnResource>>;

export interface TableDefinition {
  readonly logicalId: string;
  readonly createTable: CreateTableCommandInput;
  /** To apply with UpdateTimeToLive once the table exists. */
  readonly timeToLive?: TimeToLiveSpecification;
}

export interface QueueDefinition {
  readonly logicalId: string;
  readonly name: string;
  /** CFN property name (= SQS attribute name) → value, intrinsics still unresolved. */
  readonly properties: Readonly<Record<string, unknown>>;
  /** Logical ids of other queues this one refers to (create them first). */
  readonly dependsOn: readonly string[];
}

export interface LocalDefinitions {
  readonly tables: readonly TableDefinition[];
  /** In creation order: every queue after the queues it refers to. */
  readonly queues: readonly QueueDefinition[];
  /** Resources with no local equivalent (alarms…), listed for information. */
  readonly ignored: readonly { logicalId: string; type: string }[];
}

export const INFRA_DIR = dirname(fileURLToPath(import.meta.url));
export const INFRA_FILES = [join(INFRA_DIR, 'tables.yml'), join(INFRA_DIR, 'queues.yml')] as const;

/** Reads and merges the `Resources` of the given CloudFormation YAML files. */
export function loadInfraResources(files: readonly string[] = INFRA_FILES): CfnResources {
  const merged: Record<string, CfnResource> = {};
  for (const file of files) {
    const doc = parseCfnYaml(readFileSync(file, 'utf8')) as { Resources?: Record<string, CfnResource> } | null;
    for (const [id, resource] of Object.entries(doc?.Resources ?? {})) {
      if (id in merged) throw new Error(`${file}: resource ${id} is defined twice`);
      merged[id] = resource;
    }
  }
  return merged;
}

/** Local resource name: `<prefix>-<LogicalId>` (FIFO queues keep their `.fifo` suffix). */
export function localName(prefix: string, logicalId: string, fifo = false): string {
  return `${prefix}-${logicalId}${fifo ? '.fifo' : ''}`;
}

export function toLocalDefinitions(resources: CfnResources, prefix: string): LocalDefinitions {
  const tables: TableDefinition[] = [];
  const queues: QueueDefinition[] = [];
  const ignored: { logicalId: string; type: string }[] = [];
  for (const [logicalId, resource] of Object.entries(resources)) {
    if (resource.Type === 'AWS::DynamoDB::Table') tables.push(tableDefinition(logicalId, resource, prefix));
    else if (resource.Type === 'AWS::SQS::Queue') queues.push(queueDefinition(logicalId, resource, prefix, resources));
    else ignored.push({ logicalId, type: resource.Type });
  }
  return { tables, queues: orderByDependencies(queues), ignored };
}

type Props = Record<string, unknown>;

function tableDefinition(logicalId: string, resource: CfnResource, prefix: string): TableDefinition {
  const p: Props = resource.Properties ?? {};
  const name = p['TableName'] === undefined ? localName(prefix, logicalId) : fail(`${logicalId}: TableName must not be set (names are left to CloudFormation)`);
  const billingMode = (p['BillingMode'] as CreateTableCommandInput['BillingMode']) ?? 'PROVISIONED';
  const stream = p['StreamSpecification'] as { StreamViewType?: string } | undefined;
  const createTable: CreateTableCommandInput = {
    TableName: name,
    KeySchema: p['KeySchema'] as CreateTableCommandInput['KeySchema'],
    AttributeDefinitions: p['AttributeDefinitions'] as CreateTableCommandInput['AttributeDefinitions'],
    BillingMode: billingMode,
    ...(p['ProvisionedThroughput'] ? { ProvisionedThroughput: p['ProvisionedThroughput'] as CreateTableCommandInput['ProvisionedThroughput'] } : {}),
    ...(p['GlobalSecondaryIndexes'] ? { GlobalSecondaryIndexes: p['GlobalSecondaryIndexes'] as CreateTableCommandInput['GlobalSecondaryIndexes'] } : {}),
    ...(p['LocalSecondaryIndexes'] ? { LocalSecondaryIndexes: p['LocalSecondaryIndexes'] as CreateTableCommandInput['LocalSecondaryIndexes'] } : {}),
    ...(stream?.StreamViewType
      ? { StreamSpecification: { StreamEnabled: true, StreamViewType: stream.StreamViewType as 'NEW_IMAGE' } }
      : {}),
  };
  assertNoIntrinsics(createTable, `${logicalId}.Properties`);
  const ttl = p['TimeToLiveSpecification'] as TimeToLiveSpecification | undefined;
  return { logicalId, createTable, ...(ttl?.Enabled ? { timeToLive: { AttributeName: ttl.AttributeName, Enabled: true } } : {}) };
}

/** CFN AWS::SQS::Queue properties that are SQS queue attributes of the same name. */
const QUEUE_ATTRIBUTES = new Set([
  'ContentBasedDeduplication', 'DeduplicationScope', 'DelaySeconds', 'FifoQueue', 'FifoThroughputLimit',
  'KmsDataKeyReusePeriodSeconds', 'KmsMasterKeyId', 'MaximumMessageSize', 'MessageRetentionPeriod',
  'ReceiveMessageWaitTimeSeconds', 'RedriveAllowPolicy', 'RedrivePolicy', 'SqsManagedSseEnabled', 'VisibilityTimeout',
]);

function queueDefinition(logicalId: string, resource: CfnResource, prefix: string, all: CfnResources): QueueDefinition {
  const p: Props = resource.Properties ?? {};
  if (p['QueueName'] !== undefined) fail(`${logicalId}: QueueName must not be set (names are left to CloudFormation)`);
  const properties: Props = {};
  for (const [key, value] of Object.entries(p)) {
    if (QUEUE_ATTRIBUTES.has(key)) properties[key] = value;
  }
  const dependsOn = [...referencedIds(properties)].filter((id) => all[id]?.Type === 'AWS::SQS::Queue' && id !== logicalId);
  const fifo = p['FifoQueue'] === true || p['FifoQueue'] === 'true';
  return { logicalId, name: localName(prefix, logicalId, fifo), properties, dependsOn };
}

/** Resolves a value's `Ref` / `Fn::GetAtt` / `Fn::Sub` / `Fn::Join` with the given lookups. */
export interface RefResolver {
  ref(logicalId: string): string;
  getAtt(logicalId: string, attribute: string): string;
}

export function resolveIntrinsics(value: unknown, r: RefResolver): unknown {
  if (Array.isArray(value)) return value.map((v) => resolveIntrinsics(v, r));
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value);
  const [key, arg] = entries.length === 1 ? entries[0]! : [undefined, undefined];
  if (key === 'Ref') return r.ref(String(arg));
  if (key === 'Fn::GetAtt') {
    const [id, att] = (Array.isArray(arg) ? arg : String(arg).split('.')) as [string, string];
    return r.getAtt(id, att);
  }
  if (key === 'Fn::Join') {
    const [sep, parts] = arg as [string, unknown[]];
    return (resolveIntrinsics(parts, r) as unknown[]).join(sep);
  }
  if (key === 'Fn::Sub' && typeof arg === 'string') {
    return arg.replace(/\$\{([^}!]+)\}/g, (_m, name: string) => {
      const dot = name.indexOf('.');
      return dot > 0 ? r.getAtt(name.slice(0, dot), name.slice(dot + 1)) : r.ref(name);
    });
  }
  if (key?.startsWith('Fn::') || key === 'Condition') throw new Error(`unsupported intrinsic ${key} in a local resource`);
  return Object.fromEntries(entries.map(([k, v]) => [k, resolveIntrinsics(v, r)]));
}

/** SQS CreateQueue attributes (all strings; policies as JSON) with intrinsics resolved. */
export function queueAttributes(def: QueueDefinition, r: RefResolver): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (const [key, raw] of Object.entries(def.properties)) {
    const value = resolveIntrinsics(raw, r);
    attributes[key] = typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value);
  }
  return attributes;
}

function referencedIds(value: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(value)) value.forEach((v) => referencedIds(v, out));
  else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === 'Ref' && typeof v === 'string') out.add(v);
      else if (k === 'Fn::GetAtt') out.add(Array.isArray(v) ? String(v[0]) : String(v).split('.')[0]!);
      else if (k === 'Fn::Sub' && typeof v === 'string') for (const m of v.matchAll(/\$\{([^}.!]+)/g)) out.add(m[1]!);
      else referencedIds(v, out);
    }
  }
  return out;
}

function orderByDependencies(queues: QueueDefinition[]): QueueDefinition[] {
  const byId = new Map(queues.map((q) => [q.logicalId, q]));
  const ordered: QueueDefinition[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (q: QueueDefinition): void => {
    if (state.get(q.logicalId) === 'done') return;
    if (state.get(q.logicalId) === 'visiting') fail(`queue ${q.logicalId} is part of a reference cycle`);
    state.set(q.logicalId, 'visiting');
    for (const dep of q.dependsOn) visit(byId.get(dep)!);
    state.set(q.logicalId, 'done');
    ordered.push(q);
  };
  queues.forEach(visit);
  return ordered;
}

function assertNoIntrinsics(value: unknown, where: string): void {
  if (referencedIds(value).size > 0 || JSON.stringify(value ?? null).includes('"Fn::')) {
    fail(`${where}: intrinsic functions are not supported in table definitions`);
  }
}

function fail(message: string): never {
  throw new Error(message);
}
