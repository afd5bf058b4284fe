/**
 * Field selection over a Parquet schema: which top-level columns a list of dot paths needs, whether
 * the file has them, and each row cut down to them. Lists are passed through: `identities.id` is
 * the `id` of each identity, as in a job's `fields`.
 */
import type { SchemaTree } from 'hyparquet';

/** A selection as a tree: `true` keeps the whole value, an object keeps the named fields. */
export type FieldTree = { [name: string]: FieldTree | true };

/** The tree of `paths` (a path under one kept whole adds nothing). */
export function fieldTree(paths: readonly string[]): FieldTree {
  const tree: FieldTree = {};
  for (const path of paths) {
    const parts = path.split('.').filter(Boolean);
    let node = tree;
    for (const [index, part] of parts.entries()) {
      const existing = node[part];
      if (existing === true) break;
      if (index === parts.length - 1) node[part] = true;
      else node = node[part] = existing ?? {};
    }
  }
  return tree;
}

/** A list's node skips to its element (the `list`/`element` levels, or a legacy repeated child). */
function throughLists(node: SchemaTree): SchemaTree {
  const annotated = node.element.converted_type === 'LIST' || node.element.logical_type?.type === 'LIST';
  if (!annotated || node.children.length !== 1) return node;
  const repeated = node.children[0]!;
  return repeated.children.length === 1 ? repeated.children[0]! : repeated;
}

/** A map's node: below it, a path names keys (`identityMap.ECID`), which are data, not schema. */
const isMap = (node: SchemaTree) => node.element.converted_type === 'MAP' || node.element.logical_type?.type === 'MAP';

/** The first dot path of `paths` the schema does not have, if any. */
export function missingField(schema: SchemaTree, paths: readonly string[]): string | undefined {
  for (const path of paths) {
    let node: SchemaTree | undefined = schema;
    for (const part of path.split('.').filter(Boolean)) {
      if (isMap(node)) break;
      node = throughLists(node).children.find((child) => child.element.name === part);
      if (!node) return path;
    }
  }
  return undefined;
}

/** `value` cut down to `tree` (lists mapped, nulls kept). */
export function project(value: unknown, tree: FieldTree | true): unknown {
  if (tree === true || value === null || value === undefined) return value ?? null;
  if (Array.isArray(value)) return value.map((item) => project(item, tree));
  if (typeof value !== 'object') return value;
  const source = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [name, child] of Object.entries(tree)) out[name] = project(source[name], child);
  return out;
}

/** Whether `tree` keeps every top-level column whole: rows then need no projection. */
export function isTopLevelOnly(tree: FieldTree): boolean {
  return Object.values(tree).every((child) => child === true);
}
