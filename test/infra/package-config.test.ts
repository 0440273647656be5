/**
 * Packaging validates the bot config first (issue 12 item 7): `npm run package` and
 * `osls package` / `osls deploy` run directly must stop on a config that the functions would
 * refuse at load, with the loader's message, a non-zero exit and no stack trace.
 *
 * Each case packages a copy of the service in a temp directory (serverless.yml and infra/
 * copied, lib/, functions/ and node_modules/ linked) with its own candlebot.config.yml, so the
 * repository's config is never touched.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parse, stringify } from 'yaml';
import { zipEntries } from '../../infra/zip.js';
import { ROOT } from '../support/run-cli.js';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A copy of the service whose candlebot.config.yml (the user's own) is the shipped example with `edit` applied. */
function serviceWith(edit: (config: Record<string, any>) => void, userFile: string | null = 'candlebot.config.yml'): string {
  const dir = mkdtempSync(join(tmpdir(), 'candlebot-package-config-'));
  dirs.push(dir);
  for (const f of ['serverless.yml', 'package.json', 'tsconfig.json']) cpSync(join(ROOT, f), join(dir, f));
  cpSync(join(ROOT, 'infra'), join(dir, 'infra'), { recursive: true });
  cpSync(join(ROOT, 'candlebot.config.example.yml'), join(dir, 'candlebot.config.example.yml'));
  for (const d of ['lib', 'functions', 'node_modules']) symlinkSync(join(ROOT, d), join(dir, d), 'dir');
  const config = parse(readFileSync(join(ROOT, 'candlebot.config.example.yml'), 'utf8')) as Record<string, any>;
  edit(config);
  if (userFile !== null) {
    mkdirSync(dirname(join(dir, userFile)), { recursive: true });
    writeFileSync(join(dir, userFile), stringify(config));
  }
  return dir;
}

interface Run {
  readonly code: number;
  readonly out: string;
}

function run(file: string, args: readonly string[], cwd: string, extraEnv: NodeJS.ProcessEnv = {}): Promise<Run> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    CANDLEBOT_CONFIG: undefined,
    ...extraEnv,
    AWS_ACCESS_KEY_ID: 'AKIAPACKAGEONLY00000',
    AWS_SECRET_ACCESS_KEY: 'package-only-dummy-secret',
    SLS_TELEMETRY_DISABLED: '1',
    SLS_NOTIFICATIONS_MODE: 'off',
  };
  // Dummy credentials only: nothing here may reach a real account.
  for (const key of ['AWS_SESSION_TOKEN', 'AWS_PROFILE', 'AWS_DEFAULT_PROFILE']) delete env[key];
  for (const [key, value] of Object.entries(env)) if (value === undefined) delete env[key];
  return new Promise((resolve) => {
    execFile(file, args, { cwd, env, timeout: 5 * 60_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolve({ code, out: `${stdout}${stderr}` });
    });
  });
}

/** `npm run package` of the copy (the script is `tsx infra/package.ts`). */
const npmRunPackage = (dir: string, env: NodeJS.ProcessEnv = {}): Promise<Run> => run(process.execPath, ['--import', 'tsx', join(dir, 'infra', 'package.ts')], dir, env);
/** `osls package` run directly, as a deploy would (`osls deploy` resolves the same variables first). */
const oslsPackage = (dir: string): Promise<Run> => run(join(dir, 'node_modules', '.bin', 'osls'), ['package', '--stage', 'dev'], dir);

function assertCleanRefusal(result: Run, dir: string, expected: RegExp): void {
  assert.notEqual(result.code, 0, result.out);
  assert.match(result.out, expected);
  assert.doesNotMatch(result.out, /\n\s+at .*[\\/(]/, 'no stack trace');
  assert.doesNotMatch(result.out, /Service packaged/);
  assert.equal(existsSync(join(dir, '.serverless', 'scan.zip')), false, 'nothing packaged');
}

describe('packaging validates the bot config first', () => {
  it('npm run package: a negative stakeFraction stops with the loader message', async () => {
    const dir = serviceWith((c) => void (c['risk'].stakeFraction = -0.1));
    const result = await npmRunPackage(dir);
    assertCleanRefusal(result, dir, /candlebot: invalid config file .*candlebot\.config\.yml:\n {2}- risk\.stakeFraction: /);
  });

  it('npm run package: a bad timeframe stops with the allowed values, not an osls stack trace', async () => {
    const dir = serviceWith((c) => void c['exchanges'][1].timeframes.push('2w'));
    const result = await npmRunPackage(dir);
    assertCleanRefusal(result, dir, /exchanges\[1\]\.timeframes\[1\]: Invalid option: expected one of "1m"/);
  });

  it('npm run package: an exchange that is not bundled is refused with the way to bundle it', async () => {
    const dir = serviceWith((c) => void (c['exchanges'][1].id = 'kraken'));
    const result = await npmRunPackage(dir);
    assertCleanRefusal(result, dir, /exchanges\[1\]\.id: exchange "kraken" is not bundled into the Lambda functions .*BUNDLED_EXCHANGE_LOADERS/s);
  });

  it('osls package run directly: a bad config fails through the scan-schedules resolver, cleanly', async () => {
    const dir = serviceWith((c) => {
      c['risk'].stakeFraction = -0.1;
      c['exchanges'][1].id = 'bybitt';
    });
    const result = await oslsPackage(dir);
    assertCleanRefusal(result, dir, /risk\.stakeFraction: /);
    assert.match(result.out, /exchanges\[1\]\.id: unknown exchange "bybitt" .*did you mean "bybit"\?/);
  });

  it('osls package run directly: a bad timeframe gives the loader message, not a stack trace', async () => {
    const dir = serviceWith((c) => void c['exchanges'][0].timeframes.push('2w'));
    const result = await oslsPackage(dir);
    assertCleanRefusal(result, dir, /exchanges\[0\]\.timeframes\[3\]: Invalid option: expected one of "1m"/);
  });

  it('osls deploy run directly: refused at variable resolution, before any AWS call', async () => {
    const dir = serviceWith((c) => void (c['risk'].startingBalance = 1e16));
    const result = await run(join(dir, 'node_modules', '.bin', 'osls'), ['deploy', '--stage', 'dev', '--region', 'us-east-1'], dir);
    assertCleanRefusal(result, dir, /risk\.startingBalance: must be at most 100000/);
    assert.match(result.out, /nothing packaged or deployed/);
  });
});

const NOTICE = 'no candlebot.config.yml: using candlebot.config.example.yml — copy it to make your own';

/** The packaged scan function: its CANDLEBOT_CONFIG_PATH, its schedules' timeframes, its zip's entries. */
function packagedScan(dir: string): { configPath: string; timeframes: string[]; zip: string[] } {
  const template = JSON.parse(readFileSync(join(dir, '.serverless', 'cloudformation-template-update-stack.json'), 'utf8')) as { Resources: Record<string, any> };
  const scan = template.Resources['ScanLambdaFunction'];
  const timeframes = Object.values(template.Resources)
    .filter((r) => r.Type === 'AWS::Events::Rule' && JSON.stringify(r.Properties.Targets).includes('ScanLambdaFunction'))
    .map((r) => JSON.parse(r.Properties.Targets[0].Input).timeframe as string)
    .sort();
  return { configPath: scan.Properties.Environment.Variables.CANDLEBOT_CONFIG_PATH, timeframes, zip: zipEntries(readFileSync(join(dir, '.serverless', 'scan.zip'))).map((e) => e.name) };
}

describe('packaging ships the chosen config (issue 17)', () => {
  it('fresh clone (no candlebot.config.yml): npm run package uses the example, with one notice line', async () => {
    const dir = serviceWith(() => {}, null);
    const result = await npmRunPackage(dir);
    assert.equal(result.code, 0, result.out);
    assert.equal(result.out.split('\n').filter((l) => l === NOTICE).length, 1, result.out);
    const scan = packagedScan(dir);
    assert.equal(scan.configPath, 'candlebot.config.example.yml');
    assert.ok(scan.zip.includes('candlebot.config.example.yml'), scan.zip.join(', '));
  });

  it('CANDLEBOT_CONFIG at a custom path: that file ships (same relative path) and drives the schedules, no notice', async () => {
    const dir = serviceWith((c) => {
      c['exchanges'] = [{ id: 'binance', symbols: ['BTC/USDT'], timeframes: ['30m', '2h'] }];
      c['strategies'] = [{ name: 'ema-cross' }];
    }, 'configs/mine.yml');
    const result = await npmRunPackage(dir, { CANDLEBOT_CONFIG: 'configs/mine.yml' });
    assert.equal(result.code, 0, result.out);
    assert.ok(!result.out.includes(NOTICE), result.out);
    const scan = packagedScan(dir);
    assert.equal(scan.configPath, 'configs/mine.yml');
    assert.ok(scan.zip.includes('configs/mine.yml'), scan.zip.join(', '));
    assert.ok(!scan.zip.includes('candlebot.config.example.yml'), scan.zip.join(', '));
    assert.deepEqual(scan.timeframes, ['2h', '30m']);
  });

  it('a config outside the service directory, or missing, is refused by name', async () => {
    const dir = serviceWith(() => {}, null);
    const outside = join(mkdtempSync(join(tmpdir(), 'candlebot-outside-')), 'mine.yml');
    dirs.push(dirname(outside));
    writeFileSync(outside, readFileSync(join(ROOT, 'candlebot.config.example.yml')));
    assertCleanRefusal(await npmRunPackage(dir, { CANDLEBOT_CONFIG: outside }), dir, /is outside the service directory .*Copy it into the checkout/s);
    assertCleanRefusal(await npmRunPackage(dir, { CANDLEBOT_CONFIG: 'nope.yml' }), dir, /CANDLEBOT_CONFIG=nope\.yml: no such file/);
  });

  it('osls deploy with no candlebot.config.yml refuses (a deployment runs the user\'s own config), before any AWS call', async () => {
    const dir = serviceWith(() => {}, null);
    const result = await run(join(dir, 'node_modules', '.bin', 'osls'), ['deploy', '--stage', 'dev', '--region', 'us-east-1'], dir);
    assertCleanRefusal(result, dir, /no candlebot\.config\.yml: a deployment runs your own config.*cp candlebot\.config\.example\.yml candlebot\.config\.yml/s);
    assert.match(result.out, /nothing deployed/);
  });
});
