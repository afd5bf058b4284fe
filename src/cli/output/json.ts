// JSON.stringify recurses, so a server value nested some thousands deep (which the SDK accepts: it
// passes unknown fields through) throws "Maximum call stack size exceeded". This writer keeps its
// own stack: any value the SDK accepts, the CLI can print. Past PRETTY_DEPTH levels it stops
// indenting, so a deep value does not grow quadratically with its indentation.
const PRETTY_DEPTH = 64;

interface Frame {
  readonly close: string;
  readonly depth: number;
  readonly source: object;
  /** Array items, or an object's [key, value] entries. */
  readonly items: readonly unknown[] | ReadonlyArray<readonly [string, unknown]>;
  readonly isArray: boolean;
  index: number;
}

/** `JSON.stringify(value, null, indent)`, without recursion. */
export function toJson(value: unknown, indent = 2): string {
  const out: string[] = [];
  const stack: Frame[] = [];
  const open = new Set<object>();
  const newline = (depth: number) => (indent > 0 && depth <= PRETTY_DEPTH ? `\n${' '.repeat(indent * depth)}` : '');
  const colon = indent > 0 ? ': ' : ':';

  const emit = (item: unknown, depth: number) => {
    if (item === null || typeof item !== 'object') {
      out.push(primitive(item) ?? 'null');
      return;
    }
    if (open.has(item)) throw new TypeError('Converting circular structure to JSON');
    if (Array.isArray(item)) {
      if (item.length === 0) return void out.push('[]');
      out.push('[');
      stack.push({ close: ']', depth: depth + 1, source: item, items: item as unknown[], isArray: true, index: 0 });
    } else {
      const entries = Object.keys(item)
        .map((key) => [key, prepare((item as Record<string, unknown>)[key], key)] as const)
        .filter(([, entry]) => typeof entry === 'object' || primitive(entry) !== undefined);
      if (entries.length === 0) return void out.push('{}');
      out.push('{');
      stack.push({ close: '}', depth: depth + 1, source: item, items: entries, isArray: false, index: 0 });
    }
    open.add(item);
  };

  emit(prepare(value, ''), 0);
  while (stack.length > 0) {
    const frame = stack.at(-1)!;
    if (frame.index >= frame.items.length) {
      stack.pop();
      open.delete(frame.source);
      out.push(`${newline(frame.depth - 1)}${frame.close}`);
      continue;
    }
    const index = frame.index++;
    out.push(`${index > 0 ? ',' : ''}${newline(frame.depth)}`);
    if (frame.isArray) emit(prepare(frame.items[index], String(index)), frame.depth);
    else {
      const [key, entry] = frame.items[index] as readonly [string, unknown];
      out.push(`${JSON.stringify(key)}${colon}`);
      emit(entry, frame.depth);
    }
  }
  return out.join('');
}

/** A value as JSON.stringify sees it: through its toJSON. */
function prepare(value: unknown, key: string): unknown {
  if (value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    return (value as { toJSON(key: string): unknown }).toJSON(key);
  }
  return value;
}

/** A primitive's JSON, or undefined for what JSON leaves out (undefined, functions, symbols). */
function primitive(value: unknown): string | undefined {
  if (value === null) return 'null';
  if (typeof value === 'object') return undefined;
  return JSON.stringify(value);
}
