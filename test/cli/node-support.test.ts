/**
 * Node 20 locally without noise: the AWS SDK's "will require node >= 22" notice is off for the
 * local CLIs (one module every npm script loads first: lib/cli/node-support.ts), and npm
 * reports no EBADENGINE (cookie pinned to 1.1.1 for light-my-request, package.json overrides).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../../infra/dynamodb-local.js';
import { ROOT } from '../support/run-cli.js';

function npm(args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('npm', args, { cwd: ROOT, env, timeout: timeoutMs }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

const NOTICE = /NodeVersionSupportWarning|will require node >=22/;

describe('Node 20 without the SDK notice or EBADENGINE', () => {
  it('every npm script that runs a .ts entry loads lib/cli/node-support.ts first', () => {
    const scripts = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    const entries = Object.entries(scripts).filter(([, cmd]) => /\.ts\b/.test(cmd));
    assert.ok(entries.length >= 10, 'the CLIs and benches');
    for (const [name, cmd] of entries) {
      assert.match(cmd, /^exec node --import tsx --import \.\/lib\/cli\/node-support\.ts \S+\.ts$/, `npm run ${name}: ${cmd}`);
    }
  });

  it('npm run dlq:redrive (builds an SQS client): no SDK notice on stderr, other output intact', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env };
    delete env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'];
    const endpoint = `http://127.0.0.1:${await freePort()}`; // nothing listens: the call fails after the client was built
    Object.assign(env, { NOTIFY_QUEUE_URL: `${endpoint}/q/notify`, NOTIFY_DLQ_URL: `${endpoint}/q/dlq`, AWS_REGION: 'us-east-1', CANDLEBOT_SQS_ENDPOINT: endpoint, AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'y' });
    const out = await npm(['run', 'dlq:redrive', '--', '--dry-run'], env, 120_000);
    assert.notEqual(out.code, 0);
    assert.match(out.stderr, /dlq:redrive: /, out.stderr);
    assert.doesNotMatch(out.stderr + out.stdout, NOTICE);
  });

  it('npm ci --dry-run and npm ls: no EBADENGINE, no invalid tree', async () => {
    const [ci, ls] = await Promise.all([npm(['ci', '--dry-run', '--no-audit', '--no-fund', '--offline'], process.env, 180_000), npm(['ls', '--all'], process.env, 180_000)]);
    assert.doesNotMatch(ci.stdout + ci.stderr, /EBADENGINE/, ci.stderr);
    assert.equal(ls.code, 0, ls.stderr);
    assert.doesNotMatch(ls.stdout + ls.stderr, /invalid|EBADENGINE/, ls.stderr);
  });
});
