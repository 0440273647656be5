/**
 * Checks recorded AWS SDK calls (lib/aws/call-recorder.ts) against a function's IAM role in the
 * generated CloudFormation template. Resources are resolved symbolically: `!GetAtt T.Arn`,
 * `!Sub '${T.Arn}/index/x'`, `Fn::Join`, `Fn::Sub` with variables and the ARN spelled out with
 * pseudo parameters all become `${T.Arn}…`; a call's table/queue is mapped from its local
 * physical name back to the logical id that infra/local-resources.ts created it from. IAM
 * wildcards (`*`, `?`) in a granted resource or action are honoured (the template test forbids them).
 */
import type { AwsCallRecord } from '../../lib/aws/call-recorder.js';
import type { CfnResource, CfnTemplate } from './packaged-template.js';

/** One permission a call needs: an IAM action on a resource (`${Logical.Arn}` or `${Table.Arn}/index/<name>`). */
export interface Needed {
  readonly action: string;
  readonly resource: string;
  /** What in the call needs it (for the failure message). */
  readonly why: string;
}

export interface Grant {
  readonly action: string;
  readonly resource: string;
}

/** Local physical table names / queue URLs → logical ids. */
export interface LocalNames {
  readonly tables: ReadonlyMap<string, string>;
  readonly queues: ReadonlyMap<string, string>;
}

/** The names of one or more isolated copies of the stack (testResources' logical id → name maps, inverted). */
export function localNames(...stacks: readonly { readonly tables: Readonly<Record<string, string>>; readonly queues: Readonly<Record<string, string>> }[]): LocalNames {
  const invert = (maps: Readonly<Record<string, string>>[]) => new Map(maps.flatMap((m) => Object.entries(m).map(([logical, physical]) => [physical, logical] as const)));
  return { tables: invert(stacks.map((s) => s.tables)), queues: invert(stacks.map((s) => s.queues)) };
}

const asArray = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** A CloudFormation value as a string with `${Logical}` / `${Logical.Attr}` placeholders. */
export function symbolic(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const o = value as Record<string, unknown>;
    if (typeof o['Ref'] === 'string') return `\${${o['Ref']}}`;
    if (o['Fn::GetAtt'] !== undefined) {
      const g = o['Fn::GetAtt'];
      return `\${${Array.isArray(g) ? g.map(symbolic).join('.') : String(g)}}`;
    }
    if (o['Fn::Sub'] !== undefined) {
      const sub = o['Fn::Sub'];
      if (typeof sub === 'string') return sub;
      if (Array.isArray(sub) && typeof sub[0] === 'string') {
        const vars = (sub[1] ?? {}) as Record<string, unknown>;
        return sub[0].replace(/\$\{([^}!]+)\}/g, (whole, name: string) => (name in vars ? symbolic(vars[name]) : whole));
      }
    }
    if (Array.isArray(o['Fn::Join']) && o['Fn::Join'].length === 2) {
      const [sep, parts] = o['Fn::Join'] as [unknown, unknown];
      return asArray(parts as unknown[]).map(symbolic).join(String(sep));
    }
  }
  return `<unresolved ${JSON.stringify(value)}>`;
}

/** Spelled-out ARNs of the stack's own tables and queues → `${Logical.Arn}`. */
export function canonicalResource(resource: string): string {
  return resource
    .replace(/arn:(?:aws|\$\{AWS::Partition\}):dynamodb:\$\{AWS::Region\}:\$\{AWS::AccountId\}:table\/\$\{(\w+)\}/g, '${$1.Arn}')
    .replace(/arn:(?:aws|\$\{AWS::Partition\}):sqs:\$\{AWS::Region\}:\$\{AWS::AccountId\}:\$\{(\w+)\.QueueName\}/g, '${$1.Arn}');
}

/** IAM pattern (`*` any run, `?` one character) as a whole-string regular expression. */
function iamPattern(pattern: string): RegExp {
  const escaped = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${escaped}$`);
}

/** Logical id of the role a function uses (`!Sub '${X.Arn}'`, `!GetAtt X.Arn`). */
export function roleOf(fn: CfnResource): string {
  const ref = /^\$\{(\w+)\.Arn\}$/.exec(symbolic(fn.Properties['Role']));
  if (!ref) throw new Error(`unexpected Role ${JSON.stringify(fn.Properties['Role'])}`);
  return ref[1]!;
}

/** Every (action, resource) the role of `functionId` allows, resolved symbolically. */
export function roleGrants(template: CfnTemplate, functionId: string): { role: string; grants: Grant[] } {
  const fn = template.Resources[functionId];
  if (!fn || fn.Type !== 'AWS::Lambda::Function') throw new Error(`${functionId} is not a function of the template`);
  const role = roleOf(fn);
  const resource = template.Resources[role];
  if (resource?.Type !== 'AWS::IAM::Role') throw new Error(`${functionId}: ${role} is not an IAM role of the template`);
  if (resource.Properties['ManagedPolicyArns'] !== undefined) throw new Error(`${role}: managed policies are not checked here`);
  const statements = asArray(resource.Properties['Policies'] as { PolicyDocument: { Statement: unknown } }[]).flatMap((p) => asArray(p.PolicyDocument.Statement as Record<string, unknown>[]));
  const grants: Grant[] = [];
  for (const s of statements) {
    if (s['Effect'] !== 'Allow' || s['NotAction'] !== undefined || s['NotResource'] !== undefined || s['Condition'] !== undefined) {
      throw new Error(`${role}: only unconditional Allow statements with Action/Resource are supported, got ${JSON.stringify(s)}`);
    }
    for (const action of asArray(s['Action'] as string | string[])) {
      for (const r of asArray(s['Resource'] as unknown)) grants.push({ action, resource: canonicalResource(symbolic(r)) });
    }
  }
  return { role, grants };
}

/** The IAM action of each TransactWriteItems / TransactGetItems item kind. */
const TRANSACT_ACTION: Readonly<Record<string, string>> = { Put: 'PutItem', Update: 'UpdateItem', Delete: 'DeleteItem', ConditionCheck: 'ConditionCheckItem', Get: 'GetItem' };

/**
 * The permissions one recorded call needs. Throws for a call this mapping does not know (a new
 * command must be added here, deliberately) or a resource the test stack did not create.
 */
export function neededFor(call: AwsCallRecord, names: LocalNames): Needed[] {
  const { tables, queues } = names;
  const table = (physical: string | undefined): string => {
    const logical = physical === undefined ? undefined : tables.get(physical);
    if (!logical) throw new Error(`${call.command}: table ${String(physical)} is not one of the stack's tables`);
    return `\${${logical}.Arn}`;
  };
  if (call.service === 'dynamodb') {
    const items = call.items ?? [];
    switch (call.command) {
      case 'TransactWriteItems':
      case 'TransactGetItems':
        if (!items.length) throw new Error(`${call.command} without items`);
        return items.map((i) => {
          const action = TRANSACT_ACTION[i.kind];
          if (!action) throw new Error(`${call.command}: unknown item kind ${i.kind}`);
          return { action: `dynamodb:${action}`, resource: table(i.tableName), why: `${call.command} ${i.kind} item` };
        });
      case 'BatchGetItem':
      case 'BatchWriteItem':
        if (!items.length) throw new Error(`${call.command} without items`);
        return items.map((i) => ({ action: `dynamodb:${call.command}`, resource: table(i.tableName), why: `${call.command} (${i.kind})` }));
      case 'Query':
      case 'Scan':
        return [{ action: `dynamodb:${call.command}`, resource: call.indexName ? `${table(call.tableName)}/index/${call.indexName}` : table(call.tableName), why: call.command }];
      case 'GetItem':
      case 'PutItem':
      case 'UpdateItem':
      case 'DeleteItem':
      case 'DescribeTable':
        return [{ action: `dynamodb:${call.command}`, resource: table(call.tableName), why: call.command }];
      default:
        throw new Error(`no IAM mapping for dynamodb ${call.command} (add it to test/support/iam-check.ts)`);
    }
  }
  if (call.service === 'secretsmanager') {
    if (call.command !== 'GetSecretValue') throw new Error(`no IAM mapping for secretsmanager ${call.command} (add it to test/support/iam-check.ts)`);
    if (!call.secretId || call.secretId.startsWith('arn:')) throw new Error(`GetSecretValue: expected a secret name, got ${String(call.secretId)}`);
    // A secret's ARN is its name plus `-` and six random characters.
    return [{ action: 'secretsmanager:GetSecretValue', resource: `arn:\${AWS::Partition}:secretsmanager:\${AWS::Region}:\${AWS::AccountId}:secret:${call.secretId}-Ab1Cd2`, why: `GetSecretValue ${call.secretId}` }];
  }
  const logical = call.queueUrl === undefined ? undefined : queues.get(call.queueUrl);
  if (!logical) throw new Error(`sqs ${call.command}: queue ${String(call.queueUrl)} is not one of the stack's queues`);
  switch (call.command) {
    case 'SendMessage':
    case 'SendMessageBatch':
    case 'ReceiveMessage':
    case 'DeleteMessage':
    case 'DeleteMessageBatch':
    case 'ChangeMessageVisibility':
    case 'ChangeMessageVisibilityBatch':
    case 'GetQueueAttributes':
      // The batch APIs are authorised by the single-message action.
      return [{ action: `sqs:${call.command.replace(/Batch$/, '')}`, resource: `\${${logical}.Arn}`, why: call.command }];
    default:
      throw new Error(`no IAM mapping for sqs ${call.command} (add it to test/support/iam-check.ts)`);
  }
}

export interface CoverageReport {
  readonly role: string;
  /** Distinct permissions the calls needed, each with how many calls needed it. */
  readonly needed: readonly (Needed & { readonly calls: number })[];
  /** Needed permissions the role does not grant: each a readable line. */
  readonly violations: readonly string[];
  /** Grants no recorded call needed (informational: the SQS event source's own polling, paths not driven). */
  readonly unused: readonly Grant[];
}

/** Checks every call of one function against its role. */
export function checkCalls(template: CfnTemplate, functionId: string, calls: readonly AwsCallRecord[], names: LocalNames): CoverageReport {
  const { role, grants } = roleGrants(template, functionId);
  const compiled = grants.map((g) => ({ g, action: iamPattern(g.action), resource: iamPattern(g.resource) }));
  const needed = new Map<string, Needed & { calls: number }>();
  const violations: string[] = [];
  for (const call of calls) {
    let needs: Needed[];
    try {
      needs = neededFor(call, names);
    } catch (error) {
      violations.push(`${functionId} (${role}): ${(error as Error).message} — call ${JSON.stringify(call)}`);
      continue;
    }
    for (const n of needs) {
      const key = `${n.action} ${n.resource}`;
      const seen = needed.get(key);
      if (seen) seen.calls++;
      else needed.set(key, { ...n, calls: 1 });
    }
  }
  const used = new Set<Grant>();
  for (const n of needed.values()) {
    const by = compiled.filter((c) => c.action.test(n.action) && c.resource.test(n.resource));
    for (const c of by) used.add(c.g);
    if (!by.length) violations.push(`${functionId} (${role}) is not allowed ${n.action} on ${n.resource} — needed by ${n.why} (${n.calls} call${n.calls === 1 ? '' : 's'})`);
  }
  return { role, needed: [...needed.values()], violations, unused: grants.filter((g) => !used.has(g)) };
}
