/** How many places a warning names before it only counts the rest. */
const EXAMPLES = 3;

/**
 * Collects one kind of oddity across a whole file and reports it once, with a count and the first
 * few places it occurs, so a file with 100,000 odd cases still yields a handful of warnings.
 */
export class Notes<Kind extends string> {
  readonly #seen = new Map<Kind, { count: number; examples: string[] }>();

  /** Whether the next `kind` note would be shown, so callers build the example only then. */
  wantsExample(kind: Kind): boolean {
    return (this.#seen.get(kind)?.examples.length ?? 0) < EXAMPLES;
  }

  /** Counts one occurrence; `example` says where it is (leave it out once none is wanted). */
  add(kind: Kind, example?: string): void {
    let entry = this.#seen.get(kind);
    if (!entry) {
      entry = { count: 0, examples: [] };
      this.#seen.set(kind, entry);
    }
    entry.count++;
    if (example !== undefined && entry.examples.length < EXAMPLES) entry.examples.push(example);
  }

  count(kind: Kind): number {
    return this.#seen.get(kind)?.count ?? 0;
  }

  /** One sentence per kind seen, in the order of `render`'s keys. */
  render(render: Record<Kind, (count: number, examples: string) => string>): string[] {
    const out: string[] = [];
    for (const kind of Object.keys(render) as Kind[]) {
      const entry = this.#seen.get(kind);
      if (!entry) continue;
      const more = entry.count > entry.examples.length ? ', …' : '';
      out.push(render[kind](entry.count, `${entry.examples.join('; ')}${more}`));
    }
    return out;
  }
}

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}
