import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConditionalCheckFailedException, ProvisionedThroughputExceededException, ResourceNotFoundException, TransactionConflictException } from '@aws-sdk/client-dynamodb';
import { translateAwsError } from '../../lib/aws/errors.js';
import { PermanentError, TransientError } from '../../lib/errors.js';

const meta = { $metadata: { httpStatusCode: 400 } };

describe('AWS SDK errors are classified at the boundary, keeping the cause', () => {
  it('throttling and transaction conflicts are transient', () => {
    for (const error of [
      new ProvisionedThroughputExceededException({ message: 'slow down', ...meta }),
      new TransactionConflictException({ message: 'conflict', ...meta }),
    ]) {
      const t = translateAwsError(error, 'op');
      assert.ok(t instanceof TransientError, error.name);
      assert.equal(t.cause, error);
      assert.match(t.message, new RegExp(`op failed: ${error.name}`));
    }
  });

  it('5xx and network errors are transient', () => {
    const server = Object.assign(new Error('boom'), { name: 'InternalServerError', $metadata: { httpStatusCode: 500 } });
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' });
    assert.ok(translateAwsError(server, 'op') instanceof TransientError);
    assert.ok(translateAwsError(refused, 'op') instanceof TransientError);
  });

  it('missing resources, failed conditions and validation errors are permanent', () => {
    const validation = Object.assign(new Error('bad'), { name: 'ValidationException', ...meta });
    for (const error of [new ResourceNotFoundException({ message: 'no table', ...meta }), new ConditionalCheckFailedException({ message: 'cond', ...meta }), validation]) {
      const t = translateAwsError(error, 'op');
      assert.ok(t instanceof PermanentError, error.name);
      assert.equal(t.code, 'AWS_PERMANENT');
    }
  });
});
