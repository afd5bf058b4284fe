/**
 * Rows built straight from a row group's leaf columns, one row at a time (Dremel record assembly
 * over the levels hyparquet decodes). hyparquet's own object reader assembles a whole row group in
 * intermediate arrays before the first row comes out, which made garbage collection half of the
 * reading time and the heap several hundred MB; here each row is built when it is asked for, and
 * only the pages under the cursors are decoded. The shapes are hyparquet's: a struct is an object,
 * a `LIST` an array, a `MAP` an object of its keys, a null anywhere `null`.
 *
 * Anything else (a bare repeated field, a `VARIANT`) is left to hyparquet: {@link rowAssembler}
 * then says so, and the caller uses `parquetReadObjects`.
 */
import type { SchemaTree } from 'hyparquet';
import { isListLike, isMapLike } from 'hyparquet/src/schema.js';
import { project, type FieldTree } from './fields.js';
import type { ColumnCursor } from './column-cursor.js';

/** A leaf column to read: its path in the schema, and where the assembler wants its cursor. */
export interface LeafColumn {
  path: string[];
  maxDefinition: number;
  /** Set by the caller before each row group: the leaf's cursor over that group's column chunk. */
  cursor?: ColumnCursor;
}

/** Reads the value of one node at the cursors' position, moving them past it (a struct into `into`, if given). */
type Read = (into?: Record<string, unknown>) => unknown;

interface Built {
  read: Read;
  /** The first leaf under the node: its levels say whether the node is null, empty or repeated. */
  first: LeafColumn;
  leaves: LeafColumn[];
}

/** A row reader for a row group, and the leaf columns it needs (their cursors set per row group). */
export interface RowAssembler {
  leaves: LeafColumn[];
  /** The next row, its fields added to `into` (which may already hold fields to come first). */
  readRow(into: Record<string, unknown>): Record<string, unknown>;
}

class Unsupported extends Error {}

const cursorOf = (leaf: LeafColumn) => leaf.cursor!;

/**
 * Sets a field of a row. A file names its fields and map keys: `__proto__` among them must be a
 * field like any other, not a way to give the row a prototype.
 */
function setField(out: Record<string, unknown>, name: string, value: unknown): void {
  if (name === '__proto__')
    Object.defineProperty(out, name, { value, enumerable: true, writable: true, configurable: true });
  else out[name] = value;
}

/** Moves every leaf under a null or empty node past its one entry for it. */
function skipAll(leaves: LeafColumn[]): void {
  for (const leaf of leaves) cursorOf(leaf).skip();
}

function build(node: SchemaTree, selection: FieldTree | true, definition: number, repetition: number): Built {
  const { element } = node;
  const kind = element.repetition_type;
  if (kind === 'REPEATED' || element.logical_type?.type === 'VARIANT') throw new Unsupported();
  const optional = kind === 'OPTIONAL';
  const level = optional ? definition + 1 : definition;
  const built = buildPresent(node, selection, level, repetition);
  if (!optional) return built;
  const { read, first, leaves } = built;
  return {
    first,
    leaves,
    read: () => {
      if (cursorOf(first).definition() >= level) return read();
      skipAll(leaves);
      return null;
    },
  };
}

/** The reader of a node once it is known to be present (defined at `level`). */
function buildPresent(node: SchemaTree, selection: FieldTree | true, level: number, repetition: number): Built {
  if (node.children.length === 0) {
    const leaf: LeafColumn = { path: node.path, maxDefinition: level };
    const take = () => cursorOf(leaf).take();
    // Only a path that goes on through a list of lists (`matrix.list.element`) selects below a
    // leaf; `project` then keeps primitives and turns a Date into an object of nulls.
    return { first: leaf, leaves: [leaf], read: selection === true ? take : () => project(take(), selection) };
  }
  if (isListLike(node)) return buildRepeated(node, selection, level, repetition, 'list');
  if (isMapLike(node)) return buildRepeated(node, selection, level, repetition, 'map');
  const type = node.element.converted_type ?? node.element.logical_type?.type;
  if (type === 'LIST' || type === 'MAP') throw new Unsupported();
  return buildStruct(node.children, selection, level, repetition);
}

function buildStruct(children: SchemaTree[], selection: FieldTree | true, level: number, repetition: number): Built {
  const names: string[] = [];
  const reads: Read[] = [];
  const leaves: LeafColumn[] = [];
  // A selection keeps the order it was given in (the order of CSV columns); otherwise the file's.
  const wanted: [string, SchemaTree | undefined, FieldTree | true][] =
    selection === true
      ? children.map((child) => [child.element.name, child, true])
      : Object.entries(selection).map(([name, below]) => [
          name,
          children.find((candidate) => candidate.element.name === name),
          below,
        ]);
  for (const [name, child, below] of wanted) {
    names.push(name);
    // A name the struct lacks is null, as `project` makes it (the file's fields are checked
    // against the schema, but a path through a list of lists reaches structs with other names).
    if (!child) {
      reads.push(() => null);
      continue;
    }
    const built = build(child, below, level, repetition);
    reads.push(built.read);
    leaves.push(...built.leaves);
  }
  if (leaves.length === 0) throw new Unsupported();
  return {
    first: leaves[0]!,
    leaves,
    read: (into) => {
      const out = into ?? {};
      for (let index = 0; index < names.length; index += 1) setField(out, names[index]!, reads[index]!());
      return out;
    },
  };
}

/**
 * A `LIST` (`repeated group list { element }`) or a `MAP` (`repeated group key_value { key; value }`).
 * The repeated group is defined one level deeper than the node: below that the list is empty.
 * Another entry at the repeated group's repetition level is another element of the same list.
 */
function buildRepeated(
  node: SchemaTree,
  selection: FieldTree | true,
  level: number,
  repetition: number,
  shape: 'list' | 'map',
): Built {
  const group = node.children[0]!;
  const itemLevel = level + 1;
  const itemRepetition = repetition + 1;
  let readItem: Read;
  let readKey: Read | undefined;
  let item: Built;
  if (shape === 'map') {
    const key = group.children.find((child) => child.element.name === 'key')!;
    const value = group.children.find((child) => child.element.name === 'value')!;
    const keyBuilt = build(key, true, itemLevel, itemRepetition);
    // Paths name a map's schema (`key_value.value`), not its keys: the map is read whole and cut
    // down below as `project` cuts an object.
    const valueBuilt = build(value, true, itemLevel, itemRepetition);
    readKey = keyBuilt.read;
    readItem = valueBuilt.read;
    item = { read: readItem, first: keyBuilt.first, leaves: [...keyBuilt.leaves, ...valueBuilt.leaves] };
  } else {
    // The standard three levels (`list`, `element`), or a repeated leaf as the element itself.
    item =
      group.children.length === 1
        ? build(group.children[0]!, selection, itemLevel, itemRepetition)
        : buildPresent(group, selection, itemLevel, itemRepetition);
    readItem = item.read;
  }
  const { first, leaves } = item;
  const more = () => cursorOf(first).repetition() === itemRepetition;
  const whole =
    shape === 'list'
      ? () => {
          if (cursorOf(first).definition() < itemLevel) {
            skipAll(leaves);
            return [];
          }
          const out: unknown[] = [];
          do out.push(readItem());
          while (more());
          return out;
        }
      : () => {
          const out: Record<string, unknown> = {};
          if (cursorOf(first).definition() < itemLevel) {
            skipAll(leaves);
            return out;
          }
          do {
            const key = readKey!();
            const value = readItem();
            setField(out, String(key), value === undefined ? null : value);
          } while (more());
          return out;
        };
  const read = shape === 'map' && selection !== true ? () => project(whole(), selection) : whole;
  return { first, leaves, read };
}

/**
 * The row reader for `schema`'s columns cut down to `selection` (every column when absent), or
 * `undefined` when the schema holds a shape hyparquet must assemble itself.
 */
export function rowAssembler(schema: SchemaTree, selection: FieldTree | undefined): RowAssembler | undefined {
  try {
    const { read, leaves } = buildStruct(schema.children, selection ?? true, 0, 0);
    return { leaves, readRow: read as (into: Record<string, unknown>) => Record<string, unknown> };
  } catch (error) {
    if (error instanceof Unsupported) return undefined;
    throw error;
  }
}
