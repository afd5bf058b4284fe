/**
 * Profile rows as text, streaming: NDJSON (one JSON object a line) and CSV (a header, then one
 * line a row). CSV flattens nested fields to dot-path columns: a struct becomes one column per
 * field (`person.name.firstName`), a list stays one cell holding its JSON, a null an empty cell.
 */
import type { ProfileRow } from './read.js';

/** JSON.stringify for Parquet values: 64-bit integers as numbers when exact, else as strings. */
function toJson(value: unknown): string {
  try {
    // The fast path: a replacer is called for every value and makes stringify several times slower.
    return JSON.stringify(value);
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
    return JSON.stringify(value, (_key, item: unknown) =>
      typeof item === 'bigint' ? (Number.isSafeInteger(Number(item)) ? Number(item) : String(item)) : item,
    );
  }
}

/**
 * NDJSON lines, each ending with `\n`.
 *
 * @example
 * ```ts
 * import { createWriteStream } from 'node:fs';
 * import { Readable } from 'node:stream';
 * import { pipeline } from 'node:stream/promises';
 * await pipeline(Readable.from(toNdjsonLines(readExportedProfiles('./export'))), createWriteStream('profiles.ndjson'));
 * ```
 */
export async function* toNdjsonLines(rows: AsyncIterable<ProfileRow> | Iterable<ProfileRow>): AsyncGenerator<string> {
  for await (const row of rows) yield `${toJson(row)}\n`;
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' &&
  value !== null &&
  !Array.isArray(value) &&
  !(value instanceof Date) &&
  !ArrayBuffer.isView(value);

/** The dot-path columns of a row: structs expanded to their fields, anything else one column. */
export function csvColumns(row: ProfileRow, prefix = ''): string[] {
  return Object.entries(row).flatMap(([name, value]) =>
    isPlainObject(value) ? csvColumns(value, `${prefix}${name}.`) : [`${prefix}${name}`],
  );
}

/** The value at a dot path, each path split once for the whole export rather than once a cell. */
function valueAt(row: ProfileRow, path: readonly string[]): unknown {
  let value: unknown = row;
  for (const part of path) value = isPlainObject(value) ? value[part] : undefined;
  return value;
}

function cell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text: string;
  if (typeof value === 'string') text = value;
  else if (value instanceof Date) text = value.toISOString();
  else if (typeof value === 'number' || typeof value === 'boolean') text = String(value);
  else text = toJson(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * CSV lines (RFC 4180, each ending with `\r\n`): a header, then one line a row. `columns` are dot
 * paths; by default the first row's, with structs expanded (later rows' extra fields are left out):
 * pass `readProfileColumns`'s to take them from the files' schema instead, so that a struct
 * null in the first row still gets its columns. A column naming a struct or a list gets its JSON.
 *
 * @example
 * ```ts
 * const rows = readExportedProfiles('./export');
 * for await (const line of toCsvRows(rows, ['_id', 'personalEmail.address'])) process.stdout.write(line);
 * ```
 */
export async function* toCsvRows(
  rows: AsyncIterable<ProfileRow> | Iterable<ProfileRow>,
  columns?: readonly string[],
): AsyncGenerator<string> {
  let header = columns;
  let paths = header?.map((column) => column.split('.'));
  if (header) yield `${header.map(cell).join(',')}\r\n`;
  for await (const row of rows) {
    if (!header || !paths) {
      header = csvColumns(row);
      paths = header.map((column) => column.split('.'));
      yield `${header.map(cell).join(',')}\r\n`;
    }
    let line = '';
    for (let index = 0; index < paths.length; index += 1) {
      if (index > 0) line += ',';
      line += cell(valueAt(row, paths[index]!));
    }
    yield `${line}\r\n`;
  }
}
