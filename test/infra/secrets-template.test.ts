/**
 * Secrets in the generated CloudFormation template (`npm run package`): no function's
 * environment holds a token, a secret or a dynamic reference resolving to one — only the
 * secret's name (TELEGRAM_SECRET_ID) or the exchange secrets' prefix (EXCHANGE_SECRET_PREFIX) —
 * and only the roles of the functions that read them may call secretsmanager:GetSecretValue: the
 * Telegram secret by notify, webhook and alerts, on that secret's ARN only; the live exchanges'
 * API keys (issue 15) by scan and reconcile, the functions that place orders, on this stage's
 * `candlebot/<stage>/exchange/` secrets only.
 */
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { packagedTemplate, type CfnResource, type CfnTemplate } from '../support/packaged-template.js';
import { checkCalls, localNames, roleOf } from '../support/iam-check.js';

/** The functions that need the Telegram secret (ops contract "Secrets"). */
const READERS = ['NotifyLambdaFunction', 'WebhookLambdaFunction', 'AlertsLambdaFunction'];
const SECRET_ARN = (name: string) => `arn:\${AWS::Partition}:secretsmanager:\${AWS::Region}:\${AWS::AccountId}:secret:${name}-??????`;
/** The functions that need the exchange API keys (live trading: they place orders). */
const KEY_READERS = ['ScanLambdaFunction', 'ReconcileLambdaFunction'];
const EXCHANGE_SECRETS_ARN = (prefix: string) => `arn:\${AWS::Partition}:secretsmanager:\${AWS::Region}:\${AWS::AccountId}:secret:${prefix}*-??????`;
/** Keys that name a credential (TELEGRAM_SECRET_ID names a secret, EXCHANGE_SECRET_PREFIX the secrets' prefix: neither is one). */
const SENSITIVE_KEY = /TOKEN|SECRET(?!_ID|_PREFIX)|PASSWORD|KEY/i;
/** A Telegram bot token, a Secrets Manager dynamic reference, an SSM secure-string reference. */
const SENSITIVE_VALUE = [/\d{5,}:[A-Za-z0-9_-]{30,}/, /\{\{resolve:/i];

let template: CfnTemplate;
const functions = (): [string, CfnResource][] => Object.entries(template.Resources).filter(([, r]) => r.Type === 'AWS::Lambda::Function');
const envOf = (fn: CfnResource): Record<string, unknown> => (fn.Properties['Environment']?.Variables ?? {}) as Record<string, unknown>;
const asArray = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

interface Statement {
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: unknown;
}
/** Every statement of every IAM role and policy of the template, by the resource that holds it. */
function statements(): { holder: string; statement: Statement }[] {
  return Object.entries(template.Resources).flatMap(([id, r]) => {
    if (r.Type === 'AWS::IAM::Role') {
      return asArray(r.Properties['Policies'] as { PolicyDocument: { Statement: Statement | Statement[] } }[]).flatMap((p) => asArray(p.PolicyDocument.Statement).map((statement) => ({ holder: id, statement })));
    }
    if (r.Type === 'AWS::IAM::Policy' || r.Type === 'AWS::IAM::ManagedPolicy' || r.Type === 'AWS::IAM::RolePolicy') {
      return asArray((r.Properties['PolicyDocument'] as { Statement: Statement | Statement[] }).Statement).map((statement) => ({ holder: id, statement }));
    }
    return [];
  });
}

describe('secrets in the generated template', () => {
  before(async () => {
    template = (await packagedTemplate()).template;
  });

  test('no function environment holds a token, a secret or a dynamic reference; credential-named keys do not exist', () => {
    assert.ok(functions().length >= 6);
    for (const [id, fn] of functions()) {
      for (const [key, value] of Object.entries(envOf(fn))) {
        assert.ok(!(SENSITIVE_KEY.test(key) && typeof value === 'string'), `${id}: ${key} holds a literal value`);
        assert.ok(!SENSITIVE_KEY.test(key), `${id}: ${key} looks like a credential; read it at runtime (lib/aws/secrets.ts)`);
        for (const pattern of SENSITIVE_VALUE) assert.ok(!pattern.test(JSON.stringify(value)), `${id}: ${key} = ${JSON.stringify(value)} matches ${pattern}`);
      }
    }
    // Nowhere else either: the template never makes CloudFormation resolve a secret.
    assert.ok(!/\{\{resolve:/i.test(JSON.stringify(template)), 'a dynamic reference in the template');
  });

  test('notify, webhook and alerts name the stage’s secret in TELEGRAM_SECRET_ID; no other function does', () => {
    const present = functions().map(([id]) => id);
    for (const required of READERS) assert.ok(present.includes(required), required);
    for (const [id, fn] of functions()) {
      const name = envOf(fn)['TELEGRAM_SECRET_ID'];
      if (READERS.includes(id)) assert.match(String(name), /^candlebot\/[a-z0-9-]+\/telegram$/, id);
      else assert.equal(name, undefined, `${id} does not need the Telegram secret`);
    }
  });

  test('scan and reconcile name this stage’s exchange secret prefix in EXCHANGE_SECRET_PREFIX; no other function does', () => {
    const present = functions().map(([id]) => id);
    for (const required of KEY_READERS) assert.ok(present.includes(required), required);
    for (const [id, fn] of functions()) {
      const prefix = envOf(fn)['EXCHANGE_SECRET_PREFIX'];
      if (KEY_READERS.includes(id)) assert.match(String(prefix), /^candlebot\/[a-z0-9-]+\/exchange\/$/, id);
      else assert.equal(prefix, undefined, `${id} does not place orders: no exchange keys`);
    }
  });

  test('only the readers’ roles may GetSecretValue, on their secret’s ARN only; no other Secrets Manager action anywhere', () => {
    const readerRoles = new Map(functions().filter(([id]) => READERS.includes(id)).map(([id, fn]) => [roleOf(fn), [{ 'Fn::Sub': SECRET_ARN(String(envOf(fn)['TELEGRAM_SECRET_ID'])) }]]));
    // The key readers' roles: the exchange secrets under their prefix (scan and reconcile read no Telegram secret).
    for (const [id, fn] of functions().filter(([fid]) => KEY_READERS.includes(fid))) {
      readerRoles.set(roleOf(fn), [...(readerRoles.get(roleOf(fn)) ?? []), { 'Fn::Sub': EXCHANGE_SECRETS_ARN(String(envOf(fn)['EXCHANGE_SECRET_PREFIX'])) }]);
      assert.ok(!READERS.includes(id));
    }
    const granted = new Map<string, unknown[]>();
    for (const { holder, statement } of statements()) {
      const actions = asArray(statement.Action);
      assert.ok(!actions.some((a) => a === '*' || /^secretsmanager:.*\*/.test(a)), `${holder}: wildcard action ${actions.join()}`);
      const secrets = actions.filter((a) => a.toLowerCase().startsWith('secretsmanager:'));
      if (!secrets.length) {
        assert.ok(!JSON.stringify(statement.Resource).includes(':secretsmanager:'), `${holder}: a secret as resource of ${actions.join()}`);
        continue;
      }
      assert.equal(statement.Effect, 'Allow');
      assert.deepEqual(actions, ['secretsmanager:GetSecretValue'], `${holder}: only GetSecretValue, in a statement of its own`);
      assert.ok(readerRoles.has(holder), `${holder} may read a secret but its function does not need one`);
      granted.set(holder, [...(granted.get(holder) ?? []), ...asArray(statement.Resource)]);
    }
    for (const [role, arns] of readerRoles) {
      assert.deepEqual(granted.get(role), arns, `${role}: GetSecretValue on ${JSON.stringify(arns)} only`);
    }
  });

  test('the grant is stage-scoped: this stage’s secret is allowed, another stage’s or another name is not (IAM coverage check)', () => {
    const name = String(envOf(template.Resources['NotifyLambdaFunction']!)['TELEGRAM_SECRET_ID']);
    const stage = name.split('/')[1]!;
    const check = (secretId: string) => checkCalls(template, 'NotifyLambdaFunction', [{ service: 'secretsmanager', command: 'GetSecretValue', secretId }], localNames()).violations;
    assert.deepEqual(check(name), []);
    for (const other of [`candlebot/${stage}x/telegram`, `candlebot/${stage}/telegram-extra`, `candlebot/${stage}/exchange`, 'other/telegram']) {
      assert.equal(check(other).length, 1, `${other} must not be readable`);
    }
  });

  test('the exchange keys: scan and reconcile may read this stage’s exchange secrets and nothing else; no other role may read them (IAM coverage check)', () => {
    const prefix = String(envOf(template.Resources['ReconcileLambdaFunction']!)['EXCHANGE_SECRET_PREFIX']);
    const stage = prefix.split('/')[1]!;
    const check = (fn: string, secretId: string) => checkCalls(template, fn, [{ service: 'secretsmanager', command: 'GetSecretValue', secretId }], localNames()).violations;
    for (const fn of KEY_READERS) {
      assert.deepEqual(check(fn, `${prefix}binance`), [], fn);
      assert.deepEqual(check(fn, `${prefix}bybit`), [], fn);
      for (const other of [`candlebot/${stage}/telegram`, `candlebot/${stage}x/exchange/binance`, `candlebot/${stage}/exchange`, `candlebot/other/exchange/binance`, 'binance']) {
        assert.equal(check(fn, other).length, 1, `${fn}: ${other} must not be readable`);
      }
    }
    for (const fn of [...READERS, 'MonitorLambdaFunction', 'HealthLambdaFunction', 'SummaryLambdaFunction']) {
      assert.equal(check(fn, `${prefix}binance`).length, 1, `${fn} must not read the exchange keys`);
    }
  });
});
