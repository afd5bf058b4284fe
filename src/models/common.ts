import { z } from 'zod';

/**
 * An open string union: the known values give autocompletion and narrowing, and any other string
 * Adobe sends later is kept rather than failing the parse. Its output type is
 * `'KNOWN_A' | 'KNOWN_B' | (string & {})`.
 */
export function openEnum<const T extends readonly [string, ...string[]]>(values: T) {
  return z.union([z.enum(values), z.string().transform((value): string & {} => value)]);
}

/**
 * A response object read leniently but typed strictly. At run time it is `z.looseObject(shape)`:
 * fields the shape does not know are kept on the parsed object, so nothing Adobe adds is lost or
 * refused. Its type is the closed object of the same shape (no `[key: string]: unknown`), so reading
 * a misspelt property is a compile error. A kept unknown field is read through a cast:
 * `(value as Record<string, unknown>).newField`.
 *
 * Only the static config differs from the runtime one (`$strip` instead of `$loose`): the schema
 * parses exactly as `z.looseObject(shape)` does. Internal: public schemas are exported typed as
 * `z.ZodType<Model>`.
 */
export function lenientObject<S extends z.core.$ZodLooseShape>(shape: S): z.ZodObject<S, z.core.$strip> {
  // ZodObject is covariant in its config, so the loose object is accepted as the closed type.
  return z.looseObject(shape);
}

/**
 * A value Adobe documents as an array but sometimes sends as a single item. Typed on input as one
 * item or an array (readonly accepted) of them, on output as an array.
 */
export function oneOrMany<T extends z.ZodType>(item: T) {
  return z.preprocess(
    (value: z.input<T> | ReadonlyArray<z.input<T>> | undefined): unknown =>
      value === undefined || Array.isArray(value) ? value : [value],
    z.array(item),
  );
}

/**
 * An informational count or size that sources give either as a number or as a string of digits:
 * read as a number; anything else reads as `undefined` instead of failing the response.
 */
export const LenientCount = z
  .union([z.number(), z.string().regex(/^\d+$/).transform(Number)])
  .optional()
  .catch(undefined);

/**
 * Informational text that sources give either as a string or as a number (an unquoted YAML scalar
 * such as `1540974701302_96` is read by YAML tools as the number `154097470130296`): read as a
 * string; anything else reads as `undefined` instead of failing the response.
 */
export const LenientText = z
  .union([z.string(), z.number().transform(String)])
  .optional()
  .catch(undefined);

/** `dataSetId` (capital S, seen in Adobe's examples) read as `datasetId`. */
export function renameDataSetId(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || !('dataSetId' in value)) return value;
  const { dataSetId, ...rest } = value as Record<string, unknown>;
  return { datasetId: dataSetId, ...rest };
}

/** An RFC 3339 date-time with `Z` or an offset, as the API requires (`2018-10-25T13:22:04-07:00`). */
export const Rfc3339 = z.iso.datetime({
  offset: true,
  error: 'must be an RFC 3339 date-time with Z or an offset, such as 2018-01-01T00:00:00Z',
});
