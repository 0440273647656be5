import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { z } from 'zod';
import { describeIssues, listIssues } from '../../lib/core/zod-issues.js';

const schema = z.object({ a: z.number(), list: z.array(z.object({ b: z.string() })) }).strict();
const issuesOf = (value: unknown) => {
  const parsed = schema.safeParse(value);
  assert.equal(parsed.success, false);
  return parsed.error!.issues;
};

describe('zod issue formatting (one formatter for every boundary)', () => {
  it('describeIssues: `path: message` joined by "; ", the root named, a prefix, a bound with the rest counted', () => {
    const issues = issuesOf({ a: 'x', list: [{ b: 1 }], extra: true });
    assert.equal(issues.length, 3);
    const [first, second] = [issues[0]!, issues[1]!];
    assert.equal(describeIssues([first]), `a: ${first.message}`);
    assert.equal(describeIssues([second]), `list.0.b: ${second.message}`);
    assert.match(describeIssues(issues), /^a: .+; list\.0\.b: .+; \(root\): Unrecognized key: "extra"$/);
    assert.match(describeIssues(issues, { root: 'params' }), /; params: Unrecognized key/);
    assert.equal(describeIssues([first], { prefix: 'chart.' }), `chart.a: ${first.message}`);
    assert.equal(describeIssues(issues, { max: 1 }), `a: ${first.message}; … 2 more`);
    assert.equal(describeIssues(issues, { max: 3 }), describeIssues(issues), 'no "more" when nothing is left out');
  });

  it('listIssues: one indented line per issue, array indexes in brackets', () => {
    const issues = issuesOf({ a: 1, list: [{ b: 'ok' }, {}] });
    assert.equal(listIssues(issues), `  - list[1].b: ${issues[0]!.message}`);
    assert.equal(listIssues([{ path: [], message: 'bad' }, { path: ['x'], message: 'worse' }]), '  - (root): bad\n  - x: worse');
  });
});
