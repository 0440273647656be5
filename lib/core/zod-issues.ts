/**
 * The one formatter of zod issues for error messages: `path: message` per issue, joined by
 * `; ` (one line, fit for logs and Telegram replies). `root` names an issue without a path;
 * `max` keeps the first issues and says how many more there were. `listIssues` is the
 * multi-line form the config file and environment errors use.
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
function issuePath(issue: IssueLike): string {
  return issue.path.map(String).join('.');
}

export function describeIssues(issues: readonly IssueLike[], options: DescribeIssuesOptions = {}): string {
  const { root = '(root)', prefix = '', max } = options;
  const shown = max === undefined ? issues : issues.slice(0, max);
  const text = shown.map((issue) => `${prefix}${issuePath(issue) || root}: ${issue.message}`).join('; ');
  return shown.length < issues.length ? `${text}; … ${issues.length - shown.length} more` : text;
}

/** One `  - path: message` line per issue, array indexes as `[n]` (config file and environment errors). */
export function listIssues(issues: readonly IssueLike[]): string {
  return issues
    .map((issue) => {
      const path = issue.path.length === 0 ? '(root)' : issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '');
      return `  - ${path}: ${issue.message}`;
    })
    .join('\n');
}
