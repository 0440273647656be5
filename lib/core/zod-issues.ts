/**
 * The one formatter of zod issues for error messages: `path: message` per issue, joined by
 * `; ` (one line, fit for logs and Telegram replies). `root` names an issue without a path;
 * `max` keeps the first issues and says how many more there were. The config file's
 * multi-line listing (lib/config/load.ts `formatIssues`) uses `issuePath` too.
 */

export interface IssueLike {
  readonly path: readonly PropertyKey[];
  readonly message: string;
}

export interface DescribeIssuesOptions {
  /** What an issue without a path is called (default `(root)`). */
  readonly root?: string;
  /** Put before every path (e.g. `chart.`). */
  readonly prefix?: string;
  /** At most this many issues; the rest are counted (`; … 3 more`). */
  readonly max?: number;
}

/** `a.b.0.c` (dot-joined), or '' for the root. */
export function issuePath(issue: IssueLike): string {
  return issue.path.map(String).join('.');
}

export function describeIssues(issues: readonly IssueLike[], options: DescribeIssuesOptions = {}): string {
  const { root = '(root)', prefix = '', max } = options;
  const shown = max === undefined ? issues : issues.slice(0, max);
  const text = shown.map((issue) => `${prefix}${issuePath(issue) || root}: ${issue.message}`).join('; ');
  return shown.length < issues.length ? `${text}; … ${issues.length - shown.length} more` : text;
}
