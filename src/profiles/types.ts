/** The row and options types of the profile readers. */

/** A profile row: a plain object shaped like the fields read (nested fields as objects, lists as arrays). */
export type ProfileRow = Record<string, unknown>;

/** Options of the profile readers. */
export interface ReadProfilesOptions {
  /**
   * The fields to read, as dot paths (`identities.id`, `person.name`), in the order the rows
   * should have them; default every column, in the file's order. Only the columns they need are
   * read.
   */
  fields?: readonly string[] | undefined;
  /** Stops the reading: the iteration then throws the signal's reason. */
  signal?: AbortSignal | undefined;
}
