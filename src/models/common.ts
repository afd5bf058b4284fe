import { z } from 'zod';

/**
 * An open string union: the known values give autocompletion and narrowing, and any other string
 * Adobe sends later is kept rather than failing the parse.
 */
export function openEnum<const T extends readonly [string, ...string[]]>(values: T) {
  return z.union([z.enum(values), z.string().transform((value): string & {} => value)]);
}

/** A value Adobe documents as an array but sometimes sends as a single item. */
export function oneOrMany<T extends z.ZodType>(item: T) {
  return z.preprocess((value) => (value === undefined || Array.isArray(value) ? value : [value]), z.array(item));
}

/** `dataSetId` (capital S, seen in Adobe's examples) read as `datasetId`. */
export function renameDataSetId(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || !('dataSetId' in value)) return value;
  const { dataSetId, ...rest } = value as Record<string, unknown>;
  return { datasetId: dataSetId, ...rest };
}

/** An RFC 3339 date-time with `Z` or an offset, as the API requires (`2018-10-25T13:22:04-07:00`). */
export const Rfc3339 = z.iso.datetime({ offset: true, error: 'must be an RFC 3339 date-time with Z or an offset, such as 2018-01-01T00:00:00Z' });
