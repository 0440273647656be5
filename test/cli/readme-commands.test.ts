/**
 * Every `npm …` command README prints is run, as printed, by this test (README is read at run
 * time, so new commands are picked up): each line of the ```sh blocks and every inline
 * `npm …` in backticks. Rules (the only ones):
 *  - Placeholders a user must fill in are replaced by fakes, and the peer is a fake:
 *    a Telegram token / webhook secret (`…`) → the fake Bot API's token / a test secret, with
 *    TELEGRAM_API_ROOT pointing at the fake Bot API (test/support/fake-telegram); `<api-id>` → a
 *    fake id; `<NotifyQueueUrl>` / `<NotifyDeadLetterQueueUrl>` / `AWS_REGION=…` → queues on the
 *    test run's local SQS emulator (with its endpoint and credentials in the environment).
 *    webhook:set gets the environment its usage names (TELEGRAM_BOT_TOKEN, TELEGRAM_WEBHOOK_SECRET:
 *    the fakes). Anything else that is not runnable as printed (`[optional]` synopsis groups, other
 *    `<placeholders>`, `…`) FAILS the test: README must print commands that run.
 *  - Long-running commands (live `npm start`, `npm run stack`) run until their first "running"
 *    line, then get Ctrl-C (SIGINT to their process group) and must exit within a bound.
 *  - `npm start -- --once` scans the real exchanges of the config (the example on a fresh clone): with no internet
 *    (tests never reach it) it must still print its summary line; exit 0, or 1 when nothing could
 *    be scanned.
 *  - EXEMPT (listed with the reason; matched on the command's start): see EXEMPT below.
 * Commands run one after another (a 2-core machine), each with a time bound.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_FAKE_TOKEN, startFakeTelegram, type FakeTelegram } from '../support/fake-telegram/index.js';
import { testResources, type TestResources } from '../support/local-aws.js';
import { withPackageLock } from '../support/packaged-template.js';
import { readmeCommands } from '../support/readme-commands.js';
import { ROOT } from '../support/run-cli.js';

/** Command start → why it is not run here. Keep this list small. */
const EXEMPT: ReadonlyArray<readonly [RegExp, string]> = [
  [/^npm ci\b/, 'reinstalls node_modules under the running suite; test/cli/node-support.test.ts runs `npm ci --dry-run`, CI runs `npm ci` on a clean clone'],
  [/^npm test$/, 'the whole test suite (would recurse); `npm test -- <file>` forms are run'],
  [/^npm run bench:/, 'benchmarks: minutes of full CPU on a shared machine, they print figures, not pass/fail'],
  [/^npm run measure:bundle$/, 'a cold-start benchmark (10 interleaved timed imports, exit 1 above 4× bare node): a loaded CI machine breaks it, it prints figures for docs/figures.md; test/infra/template.test.ts packages the same zips'],
  [/^npm run cost$/, 'the full measurement of the shipped config (~3 min of every handler on the local stack); test/cli/cost-measure.test.ts runs a real measurement of a small config through the same CLI, test/cli/cost.test.ts its flags and output'],
  [/^npm run strategy:new\b/, 'creates strategies/<name>.ts and test/strategies/<name>.test.ts in the checkout; test/cli/strategy-new.test.ts runs this README line in a copy of the project, then the backtest, check and test it prints'],
  [/^npm run download\b/, 'downloads from the real exchange over the internet (tests never reach it); test/download/* run the same CLI against the exchange simulator'],
];

const FAKE_SECRET = 'readme_test_webhook_secret_0123';

/** Documented placeholders → fakes. */
function fillPlaceholders(command: string, aws: TestResources): string {
  return command
    .replace(/<NotifyQueueUrl>/g, aws.queues['NotifyQueue']!)
    .replace(/<NotifyDeadLetterQueueUrl>/g, aws.queues['NotifyDeadLetterQueue']!)
    .replace(/AWS_REGION=…/g, `AWS_REGION=${aws.env.AWS_REGION}`)
    .replace(/TELEGRAM_BOT_TOKEN=\S*…/g, `TELEGRAM_BOT_TOKEN=${DEFAULT_FAKE_TOKEN}`)
    .replace(/TELEGRAM_WEBHOOK_SECRET=…/g, `TELEGRAM_WEBHOOK_SECRET=${FAKE_SECRET}`)
    .replace(/<api-id>/g, 'fakeapiid');
}

interface Run {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly out: string;
  readonly timedOut: boolean;
}

/** Runs `command` with sh in its own process group; with `readyLine`, Ctrl-C (SIGINT to the group) once it appears. */
function run(command: string, env: NodeJS.ProcessEnv, timeoutMs: number, readyLine?: RegExp): Promise<Run & { ready: boolean }> {
  return new Promise((resolve) => {
    const child = spawn('/bin/sh', ['-c', command], { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let ready = false;
    let timedOut = false;
    const group = (signal: NodeJS.Signals) => {
      try {
        process.kill(-child.pid!, signal);
      } catch {
        // already gone
      }
    };
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      if (readyLine && !ready && readyLine.test(out)) {
        ready = true;
        group('SIGINT');
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const timer = setTimeout(() => {
      timedOut = true;
      group('SIGKILL');
    }, timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      group('SIGKILL'); // nothing of the group may outlive the command
      resolve({ code, signal, out, timedOut, ready });
    });
  });
}

const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
const commands = readmeCommands(readme);

describe('every npm command printed in README runs as printed', () => {
  let telegram: FakeTelegram;
  let aws: TestResources;
  before(async () => {
    telegram = await startFakeTelegram();
    aws = await testResources('readme');
  });
  after(async () => {
    aws.close();
    await telegram.close();
  });

  it('README prints npm commands (the extractor finds them)', () => {
    assert.ok(commands.length >= 10, commands.map((c) => c.text).join('\n'));
    assert.ok(commands.some((c) => c.text === 'npm start'));
  });

  for (const { line, text } of commands) {
    const exempt = EXEMPT.find(([re]) => re.test(text));
    // An exempt command is not run (the reason is in the name); its printed form is still checked.
    it(`README:${line} ${text}${exempt ? ` (printed form checked, not run: ${exempt[1]})` : ''}`, async () => {
      const command = fillPlaceholders(text, aws);
      const leftover = /\[[^\]]*\]|<[^>]*>|…/.exec(command);
      assert.equal(leftover, null, `README:${line} is not runnable as printed (${leftover?.[0]}): print a command that runs, or put a synopsis outside a sh block / inline npm command`);
      if (exempt) return;
      const env: NodeJS.ProcessEnv = { ...process.env, TELEGRAM_API_ROOT: telegram.apiRoot };
      if (/npm run webhook:set/.test(command)) Object.assign(env, { TELEGRAM_BOT_TOKEN: DEFAULT_FAKE_TOKEN, TELEGRAM_WEBHOOK_SECRET: FAKE_SECRET });
      if (/npm run dlq:redrive/.test(command)) {
        const { CANDLEBOT_SQS_ENDPOINT, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY } = aws.env;
        Object.assign(env, { CANDLEBOT_SQS_ENDPOINT, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY });
      }
      const live = /^(\S+=\S+\s+)*npm start(\s+--\s+--config\s+\S+)?$/.test(command);
      if (live || /^npm run stack$/.test(command)) {
        const ready = live ? /Ctrl-C to stop/ : /# Ctrl-C to stop\./;
        const r = await run(command, env, 180_000, ready);
        assert.ok(r.ready, `README:${line} never printed ${ready}:\n${r.out}`);
        assert.ok(!r.timedOut, `README:${line} did not stop after Ctrl-C:\n${r.out}`);
        assert.doesNotMatch(r.out, /\n\s+at \S+ \(/, `README:${line}: a stack trace:\n${r.out}`);
        return;
      }
      // Packaging writes .serverless/ in the checkout: one at a time with the template tests.
      const r = /npm run (package|measure:bundle)\b/.test(command) ? await withPackageLock(() => run(command, env, 600_000)) : await run(command, env, 600_000);
      assert.ok(!r.timedOut, `README:${line} did not finish in 10 min:\n${r.out}`);
      if (/^npm start -- --once$/.test(command)) {
        assert.match(r.out, /^scan summary: /m, r.out);
        assert.ok(r.code === 0 || (r.code === 1 && /nothing could be scanned/.test(r.out)), `README:${line}: exit ${r.code}\n${r.out}`);
        return;
      }
      assert.equal(r.code, 0, `README:${line} \`${text}\` exited ${r.code ?? r.signal}:\n${r.out.slice(-4000)}`);
    });
  }
});
