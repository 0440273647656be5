/**
 * What the generated CloudFormation template (`npm run package`) says about the bill: the
 * functions (memory, architecture, whether they read the Telegram secret), alarms and the alarm
 * metrics each is billed for, dashboards with their metric count and Logs Insights widgets,
 * log retention, the monitor's and (when enabled) the reconcile's schedule and the tables with point-in-time recovery. Pure: the
 * caller reads the template; whatever the template holds is counted.
 */
type Json = unknown;
type Resource = { readonly Type?: string; readonly Properties?: Record<string, Json> };

export interface TemplateFunction {
  /** serverless.yml name: `ScanLambdaFunction` → `scan`. */
  readonly name: string;
  readonly memoryMb: number;
  readonly arch: 'arm64' | 'x86_64';
  /** Reads the Telegram secret at runtime (env TELEGRAM_SECRET_ID). */
  readonly readsSecret: boolean;
}

export interface TemplateAlarm {
  readonly id: string;
  /** Billed alarm metrics: 1 for a MetricName alarm, the MetricStat entries of a Metrics[] alarm. */
  readonly metrics: number;
  readonly highResolution: boolean;
  readonly hasActions: boolean;
}

export interface TemplateDashboard {
  readonly id: string;
  readonly metrics: number;
  /** Per Logs Insights widget, the functions whose log groups it queries. */
  readonly logWidgets: readonly (readonly string[])[];
}

export interface TemplateFacts {
  readonly functions: readonly TemplateFunction[];
  readonly alarms: readonly TemplateAlarm[];
  readonly dashboards: readonly TemplateDashboard[];
  readonly logRetentionDays: number | undefined;
  readonly monitorMinutes: number | undefined;
  /** The reconcile function's rate when its rule is ENABLED (an exchange trades live); absent when disabled or missing. */
  readonly reconcileMinutes?: number | undefined;
  readonly pitrTables: number;
  readonly tables: number;
  /** Secrets the stack reads: the one Telegram secret per stage (README "Telegram"), whether read at runtime or resolved at deploy. */
  readonly secrets: number;
}

const obj = (v: Json): Record<string, Json> => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, Json>) : {});
const arr = (v: Json): Json[] => (Array.isArray(v) ? v : []);

/** A CloudFormation string value with intrinsic functions flattened (Fn::Sub text, Fn::Join parts, `X` for anything else). */
export function flatText(v: Json): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  const o = obj(v);
  if ('Fn::Sub' in o) {
    const sub = o['Fn::Sub'];
    return flatText(Array.isArray(sub) ? sub[0] : sub);
  }
  if ('Fn::Join' in o) {
    const [sep, parts] = arr(o['Fn::Join']);
    return arr(parts).map(flatText).join(typeof sep === 'string' ? sep : '');
  }
  return 'X';
}

const fnName = (logicalId: string): string => {
  const base = logicalId.replace(/LambdaFunction$/, '');
  return base.charAt(0).toLowerCase() + base.slice(1);
};

/** Minutes of `rate(5 minutes)` / `rate(1 minute)`; undefined for anything else. */
export function rateMinutes(expression: string): number | undefined {
  const m = /^rate\((\d+) (minute|minutes|hour|hours)\)$/.exec(expression.trim());
  if (!m) return undefined;
  return Number(m[1]) * (m[2]!.startsWith('hour') ? 60 : 1);
}

/** Metric rows of a dashboard widget's `metrics` array (a row of only `{ expression }` is math, not a metric). */
function widgetMetrics(widget: Record<string, Json>): number {
  const rows = arr(obj(widget['properties'])['metrics']);
  return rows.filter((row) => arr(row).some((cell) => typeof cell === 'string')).length;
}

function dashboardOf(id: string, body: Json, functionNames: readonly string[]): TemplateDashboard {
  const text = flatText(body);
  let parsed: Json;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new Error(`dashboard ${id}: DashboardBody is not JSON after flattening: ${(error as Error).message}`);
  }
  let metrics = 0;
  const logWidgets: string[][] = [];
  for (const w of arr(obj(parsed)['widgets'])) {
    const widget = obj(w);
    if (widget['type'] === 'metric') metrics += widgetMetrics(widget);
    if (widget['type'] === 'log') {
      const query = String(obj(widget['properties'])['query'] ?? '');
      const groups = [...query.matchAll(/SOURCE\s+'([^']+)'/g)].map((m) => m[1]!);
      // A log group by name (`/aws/lambda/<service>-<stage>-scan`) or by reference (`${ScanLogGroup}`).
      const named = (f: string, g: string) => g.endsWith(`-${f}`) || g === `\${${f.charAt(0).toUpperCase()}${f.slice(1)}LogGroup}`;
      logWidgets.push(functionNames.filter((f) => groups.some((g) => named(f, g))));
    }
  }
  return { id, metrics, logWidgets };
}

/** The facts of a parsed CloudFormation template. */
export function templateFacts(template: Json): TemplateFacts {
  const resources = Object.entries(obj(obj(template)['Resources'])) as [string, Resource][];
  const functions: TemplateFunction[] = resources
    .filter(([, r]) => r.Type === 'AWS::Lambda::Function')
    .map(([id, r]) => {
      const p = obj(r.Properties);
      const env = obj(obj(p['Environment'])['Variables']);
      return {
        name: fnName(id),
        memoryMb: typeof p['MemorySize'] === 'number' ? p['MemorySize'] : 128,
        arch: arr(p['Architectures'])[0] === 'arm64' ? 'arm64' : 'x86_64',
        readsSecret: 'TELEGRAM_SECRET_ID' in env,
      };
    });
  const alarms: TemplateAlarm[] = resources
    .filter(([, r]) => r.Type === 'AWS::CloudWatch::Alarm')
    .map(([id, r]) => {
      const p = obj(r.Properties);
      const stats = arr(p['Metrics']).filter((m) => 'MetricStat' in obj(m));
      const periods = p['MetricName'] !== undefined ? [p['Period']] : stats.map((m) => obj(obj(m)['MetricStat'])['Period']);
      return {
        id,
        metrics: p['MetricName'] !== undefined ? 1 : stats.length,
        highResolution: periods.some((x) => typeof x === 'number' && x < 60),
        hasActions: arr(p['AlarmActions']).length > 0 && arr(p['OKActions']).length > 0,
      };
    });
  const names = functions.map((f) => f.name);
  const dashboards = resources.filter(([, r]) => r.Type === 'AWS::CloudWatch::Dashboard').map(([id, r]) => dashboardOf(id, obj(r.Properties)['DashboardBody'], names));
  const retention = resources.filter(([, r]) => r.Type === 'AWS::Logs::LogGroup').map(([, r]) => obj(r.Properties)['RetentionInDays']).filter((d): d is number => typeof d === 'number');
  const monitorRule = resources.find(([id, r]) => r.Type === 'AWS::Events::Rule' && /^Monitor/i.test(id));
  const reconcileRule = resources.find(([id, r]) => r.Type === 'AWS::Events::Rule' && /^Reconcile/i.test(id) && obj(r.Properties)['State'] !== 'DISABLED');
  const tables = resources.filter(([, r]) => r.Type === 'AWS::DynamoDB::Table');
  const pitr = tables.filter(([, r]) => obj(obj(r.Properties)['PointInTimeRecoverySpecification'])['PointInTimeRecoveryEnabled'] === true);
  return {
    functions,
    alarms,
    dashboards,
    logRetentionDays: retention.length ? Math.max(...retention) : undefined,
    monitorMinutes: monitorRule ? rateMinutes(flatText(obj(monitorRule[1].Properties)['ScheduleExpression'])) : undefined,
    reconcileMinutes: reconcileRule ? rateMinutes(flatText(obj(reconcileRule[1].Properties)['ScheduleExpression'])) : undefined,
    pitrTables: pitr.length,
    tables: tables.length,
    secrets: 1,
  };
}
