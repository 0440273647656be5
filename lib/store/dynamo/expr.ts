/**
 * Builds DynamoDB expressions with every attribute name and value aliased (`#a0`, `:v0`), so
 * no attribute can collide with a reserved word (status, count, start, text…).
 */
export class Expr {
  readonly names: Record<string, string> = {};
  readonly values: Record<string, unknown> = {};
  #name = 0;
  #value = 0;
  readonly #aliases = new Map<string, string>();

  /** Alias of attribute `attr`. */
  n(attr: string): string {
    let alias = this.#aliases.get(attr);
    if (alias === undefined) {
      alias = `#a${this.#name++}`;
      this.#aliases.set(attr, alias);
      this.names[alias] = attr;
    }
    return alias;
  }

  /** Placeholder of `value`. */
  v(value: unknown): string {
    const key = `:v${this.#value++}`;
    this.values[key] = value;
    return key;
  }

  /** `SET a = :x, b = :y` for every entry. */
  sets(fields: Readonly<Record<string, unknown>>): string[] {
    return Object.entries(fields).map(([k, v]) => `${this.n(k)} = ${this.v(v)}`);
  }

  /** The names/values parts of a command (omitted when empty, as DynamoDB requires). */
  parts(): { ExpressionAttributeNames?: Record<string, string>; ExpressionAttributeValues?: Record<string, unknown> } {
    return {
      ...(this.#name > 0 ? { ExpressionAttributeNames: this.names } : {}),
      ...(this.#value > 0 ? { ExpressionAttributeValues: this.values } : {}),
    };
  }
}
