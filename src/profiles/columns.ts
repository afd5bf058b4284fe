/**
 * An export's CSV columns from its schema rather than from its first row: a struct that is null in
 * the first row still gets one column per field, so every row of the export fits the same header.
 */
import type { AsyncBuffer, SchemaTree } from 'hyparquet';
import { parquetSchema } from 'hyparquet';
import { isListLike, isMapLike } from 'hyparquet/src/schema.js';
import { fieldTree, type FieldTree } from './fields.js';
import { metadataOf } from './row-groups.js';

/** A group CSV expands into its fields: a struct (not a list, a map or a repeated group). */
const expands = (node: SchemaTree) =>
  node.children.length > 0 && !isListLike(node) && !isMapLike(node) && node.element.repetition_type !== 'REPEATED';

/** The dot-path columns of `node`'s children, cut down to `selection` and in its order. */
export function schemaColumns(node: SchemaTree, selection: FieldTree | true = true, prefix = ''): string[] {
  const children: [SchemaTree, FieldTree | true][] =
    selection === true
      ? node.children.map((child) => [child, true])
      : Object.entries(selection).flatMap(([name, below]) => {
          const child = node.children.find((candidate) => candidate.element.name === name);
          return child ? [[child, below] as [SchemaTree, FieldTree | true]] : [];
        });
  return children.flatMap(([child, below]) => {
    const path = `${prefix}${child.element.name}`;
    if (expands(child)) return schemaColumns(child, below, `${path}.`);
    // Keys asked for below a map are columns of their own, as the rows hold them.
    return isMapLike(child) && below !== true ? selectedPaths(below, `${path}.`) : [path];
  });
}

/** The dot paths of a selection's leaves. */
function selectedPaths(selection: FieldTree, prefix: string): string[] {
  return Object.entries(selection).flatMap(([name, below]) =>
    below === true ? [`${prefix}${name}`] : selectedPaths(below, `${prefix}${name}.`),
  );
}

/** The CSV columns of one Parquet file's rows, read from its footer. */
export async function fileColumns(
  file: AsyncBuffer,
  name: string,
  fields: readonly string[] | undefined,
): Promise<string[]> {
  const schema = parquetSchema(await metadataOf(file, name));
  return schemaColumns(schema, fields ? fieldTree(fields) : true);
}
