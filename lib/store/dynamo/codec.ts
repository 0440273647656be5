/**
 * Raw (AttributeValue) items as plain JS, for the places the document client does not convert
 * for us: the old item a failed condition returns (ReturnValuesOnConditionCheckFailure), the
 * items of transaction cancellation reasons, and the loose re-read of a row whose numbers the
 * document client refuses (./get-row.ts). Numbers always become JS numbers (never a BigInt,
 * never an error), so no stored value can make the conversion itself fail.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';

/** One attribute value as plain JS. */
function plain(v: AttributeValue): unknown {
  if (v.S !== undefined) return v.S;
  if (v.N !== undefined) return Number(v.N);
  if (v.B !== undefined) return v.B;
  if (v.BOOL !== undefined) return v.BOOL;
  if (v.NULL !== undefined) return null;
  if (v.M !== undefined) return plainItem(v.M);
  if (v.L !== undefined) return v.L.map(plain);
  if (v.SS !== undefined) return new Set(v.SS);
  if (v.NS !== undefined) return new Set(v.NS.map(Number));
  if (v.BS !== undefined) return new Set(v.BS);
  return undefined;
}

/** A raw item as plain JS (numbers as JS numbers, sets as Sets). */
export function plainItem(item: Readonly<Record<string, AttributeValue>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(item)) out[k] = plain(v);
  return out;
}

/** A finite number attribute of a plain item, or undefined. */
export function numberAt(item: Readonly<Record<string, unknown>> | undefined, name: string): number | undefined {
  const value = item?.[name];
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** A string attribute of a plain item, or undefined. */
export function stringAt(item: Readonly<Record<string, unknown>> | undefined, name: string): string | undefined {
  const value = item?.[name];
  return typeof value === 'string' ? value : undefined;
}
