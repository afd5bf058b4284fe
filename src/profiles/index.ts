/** Reading exported profiles: from the files an export wrote, or straight from Data Access; and as NDJSON or CSV. */
export { ProfileReadError, type ProfileReadProblem } from './errors.js';
export { readExportedProfiles, readProfileColumns } from './exported.js';
// readBatchProfiles takes the client's internal transport: the client exposes it as a method.
export type { ReadBatchProfilesOptions } from './remote.js';
export type { ProfileRow, ReadProfilesOptions } from './read.js';
export { csvColumns, toCsvRows, toNdjsonLines } from './formats.js';
