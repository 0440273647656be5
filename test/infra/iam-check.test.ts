/**
 * The IAM coverage checker itself (test/support/iam-check.ts), on small synthetic templates:
 * resource resolution, the per-item actions of transactions and batches, index ARNs, the
 * SQS batch APIs, wildcards, and calls it cannot map. No AWS, no packaging.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { describeAwsCall, type AwsCallRecord } from '../../lib/aws/call-recorder.js';
import { canonicalResource, checkCalls, localNames, neededFor, symbolic } from '../support/iam-check.js';
import type { CfnTemplate } from '../support/packaged-template.js';

const names = localNames({
  tables: { PositionsTable: 'p-PositionsTable', UsersTable: 'p-UsersTable' },
  queues: { NotifyQueue: 'http://127.0.0.1:1/000000000000/p-NotifyQueue' },
});

function template(statements: unknown[]): CfnTemplate {
  return {
    Resources: {
      FnLambdaFunction: { Type: 'AWS::Lambda::Function', Properties: { Role: { 'Fn::Sub': '${FnRole.Arn}' } } },
      FnRole: { Type: 'AWS::IAM::Role', Properties: { Policies: [{ PolicyName: 'fn', PolicyDocument: { Statement: statements } }] } },
    },
  };
}

const transactClose: AwsCallRecord = describeAwsCall('dynamodb', 'TransactWriteItemsCommand', {
  TransactItems: [
    { Update: { TableName: 'p-PositionsTable', Key: {} } },
    { Delete: { TableName: 'p-PositionsTable', Key: {} } },
    { Put: { TableName: 'p-PositionsTable', Item: {} } },
    { ConditionCheck: { TableName: 'p-UsersTable', Key: {} } },
  ],
});

describe('IAM coverage checker', () => {
  it('resolves GetAtt, Sub (with variables), Join and spelled-out ARNs to ${Logical.Arn}…', () => {
    assert.equal(symbolic({ 'Fn::GetAtt': ['T', 'Arn'] }), '${T.Arn}');
    assert.equal(symbolic({ 'Fn::GetAtt': 'T.Arn' }), '${T.Arn}');
    assert.equal(symbolic({ 'Fn::Sub': '${T.Arn}/index/x' }), '${T.Arn}/index/x');
    assert.equal(symbolic({ 'Fn::Sub': ['${Base}/index/${Name}', { Base: { 'Fn::GetAtt': ['T', 'Arn'] }, Name: 'x' }] }), '${T.Arn}/index/x');
    assert.equal(symbolic({ 'Fn::Join': ['', [{ 'Fn::GetAtt': ['T', 'Arn'] }, '/index/x']] }), '${T.Arn}/index/x');
    assert.equal(canonicalResource(symbolic({ 'Fn::Sub': 'arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/${T}' })), '${T.Arn}');
    assert.equal(canonicalResource('arn:aws:sqs:${AWS::Region}:${AWS::AccountId}:${Q.QueueName}'), '${Q.Arn}');
  });

  it('a transaction needs each item’s own action on its table; a Query on an index needs the index ARN; SQS batches their single action', () => {
    assert.deepEqual(
      neededFor(transactClose, names).map((n) => `${n.action} ${n.resource}`),
      ['dynamodb:UpdateItem ${PositionsTable.Arn}', 'dynamodb:DeleteItem ${PositionsTable.Arn}', 'dynamodb:PutItem ${PositionsTable.Arn}', 'dynamodb:ConditionCheckItem ${UsersTable.Arn}'],
    );
    assert.deepEqual(neededFor(describeAwsCall('dynamodb', 'QueryCommand', { TableName: 'p-UsersTable', IndexName: 'subscribers' }), names).map((n) => n.resource), ['${UsersTable.Arn}/index/subscribers']);
    assert.deepEqual(neededFor(describeAwsCall('dynamodb', 'BatchGetItemCommand', { RequestItems: { 'p-UsersTable': { Keys: [] } } }), names).map((n) => `${n.action} ${n.resource}`), ['dynamodb:BatchGetItem ${UsersTable.Arn}']);
    assert.deepEqual(
      neededFor(describeAwsCall('dynamodb', 'BatchWriteItemCommand', { RequestItems: { 'p-PositionsTable': [{ PutRequest: {} }, { DeleteRequest: {} }] } }), names).map((n) => `${n.action} ${n.why}`),
      ['dynamodb:BatchWriteItem BatchWriteItem (Put)', 'dynamodb:BatchWriteItem BatchWriteItem (Delete)'],
    );
    for (const [command, action] of [['SendMessageBatchCommand', 'sqs:SendMessage'], ['ChangeMessageVisibilityBatchCommand', 'sqs:ChangeMessageVisibility'], ['GetQueueAttributesCommand', 'sqs:GetQueueAttributes']] as const) {
      assert.deepEqual(neededFor(describeAwsCall('sqs', command, { QueueUrl: 'http://127.0.0.1:1/000000000000/p-NotifyQueue' }), names), [{ action, resource: '${NotifyQueue.Arn}', why: command.replace(/Command$/, '') }]);
    }
  });

  it('flags the issue-12 defect: a close transaction’s Delete item without dynamodb:DeleteItem', () => {
    const statements = [
      { Effect: 'Allow', Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'], Resource: [{ 'Fn::GetAtt': ['PositionsTable', 'Arn'] }] },
      { Effect: 'Allow', Action: 'dynamodb:ConditionCheckItem', Resource: { 'Fn::GetAtt': ['UsersTable', 'Arn'] } },
    ];
    const report = checkCalls(template(statements), 'FnLambdaFunction', [transactClose], names);
    assert.deepEqual(report.violations, ['FnLambdaFunction (FnRole) is not allowed dynamodb:DeleteItem on ${PositionsTable.Arn} — needed by TransactWriteItems Delete item (1 call)']);
    const fixed = [{ ...statements[0], Action: [...(statements[0]!.Action as string[]), 'dynamodb:DeleteItem'] }, statements[1]];
    assert.deepEqual(checkCalls(template(fixed), 'FnLambdaFunction', [transactClose], names).violations, []);
  });

  it('the table ARN does not cover an index, an index grant does not cover the table; IAM wildcards are honoured', () => {
    const query = describeAwsCall('dynamodb', 'QueryCommand', { TableName: 'p-UsersTable', IndexName: 'subscribers' });
    const tableOnly = [{ Effect: 'Allow', Action: 'dynamodb:Query', Resource: { 'Fn::GetAtt': ['UsersTable', 'Arn'] } }];
    assert.equal(checkCalls(template(tableOnly), 'FnLambdaFunction', [query], names).violations.length, 1);
    const indexOnly = [{ Effect: 'Allow', Action: 'dynamodb:Query', Resource: { 'Fn::Sub': '${UsersTable.Arn}/index/subscribers' } }];
    assert.deepEqual(checkCalls(template(indexOnly), 'FnLambdaFunction', [query], names).violations, []);
    assert.equal(checkCalls(template(indexOnly), 'FnLambdaFunction', [describeAwsCall('dynamodb', 'QueryCommand', { TableName: 'p-UsersTable' })], names).violations.length, 1);
    const wildcard = [{ Effect: 'Allow', Action: 'dynamodb:Q*', Resource: { 'Fn::Sub': '${UsersTable.Arn}/index/*' } }];
    assert.deepEqual(checkCalls(template(wildcard), 'FnLambdaFunction', [query], names).violations, []);
  });

  it('a command without a mapping, or a table the stack did not create, is a violation (never silently passed)', () => {
    const grants = [{ Effect: 'Allow', Action: 'dynamodb:GetItem', Resource: { 'Fn::GetAtt': ['UsersTable', 'Arn'] } }];
    const report = checkCalls(template(grants), 'FnLambdaFunction', [describeAwsCall('dynamodb', 'ExecuteStatementCommand', { Statement: 'SELECT' }), describeAwsCall('dynamodb', 'GetItemCommand', { TableName: 'elsewhere' })], names);
    assert.equal(report.violations.length, 2);
    assert.match(report.violations[0]!, /no IAM mapping for dynamodb ExecuteStatement/);
    assert.match(report.violations[1]!, /table elsewhere is not one of the stack's tables/);
  });
});
