/**
 * The files a finished export's batch holds, as Data Access serves them: real Parquet files of the
 * batch's profiles, cut into files and row groups as a Spark writer would, or (when
 * `exportFiles.bytesPerFile` is given) files of those sizes made of pseudo-random bytes, for tests
 * of downloads that care about sizes, not content.
 */
import { contentSeed, generatedContent, type FileContent } from './bytes.js';
import { DEFAULT_FILES_PER_BATCH, DEFAULT_PROFILES_PER_SEGMENT, type ExportFilesOptions } from './options.js';
import { parquetContent } from './parquet.js';
import { parseFields, profileSeed, projectModel } from './profile-data.js';
import { uuidId } from './util.js';

/** What an exported batch holds. */
export interface BatchProfiles {
  count: number;
  /** The job's `fields`: comma-separated dot paths; absent for the default set. */
  fields?: string | undefined;
}

/** The most profiles in a file unless `rowsPerFile` says otherwise, as Spark's `maxRecordsPerFile` would. */
export const DEFAULT_ROWS_PER_FILE = 200_000;
/** Rows per row group unless `rowsPerRowGroup` says otherwise. */
export const DEFAULT_ROWS_PER_ROW_GROUP = 20_000;

/**
 * How exported Parquet files are cut (settings beside `exportFiles`' documented ones). With
 * `filesPerBatch` given, a batch has exactly that many files, its profiles shared evenly;
 * otherwise as many as `rowsPerFile` needs, and at least {@link DEFAULT_FILES_PER_BATCH}.
 */
export interface ParquetLayoutOptions {
  /** The most profiles in one file. Default {@link DEFAULT_ROWS_PER_FILE}. */
  rowsPerFile?: number;
  /** Profiles per row group (the last of a file may hold fewer). Default {@link DEFAULT_ROWS_PER_ROW_GROUP}. */
  rowsPerRowGroup?: number;
}

/** A file of a batch: its name, content, the length its listing reports. */
export interface FileRecord {
  batchId: string;
  name: string;
  content: FileContent;
  length: number;
  /** The profiles in it, for a Parquet file. */
  records?: number;
}

/** Makes a batch's files from the simulator's `exportFiles` settings, checked once. */
export class ExportFileMaker {
  readonly #filesPerBatch: number | undefined;
  /** Given: files of these sizes, pseudo-random; absent: real Parquet files of the job's profiles. */
  readonly #bytesPerFile: number | ((batchId: string, index: number) => number) | undefined;
  readonly #rowsPerFile: number;
  readonly #rowsPerRowGroup: number;
  readonly #names: ((batchId: string, index: number) => string) | undefined;

  constructor(options: ExportFilesOptions & ParquetLayoutOptions) {
    this.#filesPerBatch = options.filesPerBatch;
    if (this.#filesPerBatch !== undefined && !(Number.isInteger(this.#filesPerBatch) && this.#filesPerBatch >= 0)) {
      throw new RangeError(`exportFiles.filesPerBatch must be an integer >= 0, got ${String(options.filesPerBatch)}`);
    }
    this.#rowsPerFile = positive('exportFiles.rowsPerFile', options.rowsPerFile ?? DEFAULT_ROWS_PER_FILE);
    this.#rowsPerRowGroup = positive(
      'exportFiles.rowsPerRowGroup',
      options.rowsPerRowGroup ?? DEFAULT_ROWS_PER_ROW_GROUP,
    );
    this.#bytesPerFile = options.bytesPerFile;
    if (typeof this.#bytesPerFile === 'number') checkSize('exportFiles.bytesPerFile', this.#bytesPerFile);
    else if (this.#bytesPerFile !== undefined && typeof this.#bytesPerFile !== 'function')
      throw new TypeError('exportFiles.bytesPerFile must be a number of bytes or a function (batchId, index) => bytes');
    if (options.names !== undefined && typeof options.names !== 'function')
      throw new TypeError('exportFiles.names must be a function (batchId, index) => name');
    this.#names = options.names;
  }

  /** The files of a finished batch holding `profiles`. */
  files(batchId: string, profiles: BatchProfiles | undefined): FileRecord[] {
    const files: FileRecord[] = [];
    const uuid = uuidId(`spark:${batchId}`);
    const nameOf = (index: number) =>
      this.#names ? this.#names(batchId, index) : `part-${String(index).padStart(5, '0')}-${uuid}-c000.snappy.parquet`;
    const bytesPerFile = this.#bytesPerFile;
    if (bytesPerFile !== undefined) {
      for (let index = 0; index < (this.#filesPerBatch ?? DEFAULT_FILES_PER_BATCH); index += 1) {
        const name = nameOf(index);
        const size = typeof bytesPerFile === 'number' ? bytesPerFile : bytesPerFile(batchId, index);
        checkSize('exportFiles.bytesPerFile', size);
        files.push({ batchId, name, content: generatedContent(contentSeed(batchId, name), size), length: size });
      }
      return files;
    }
    const rows = profiles?.count ?? DEFAULT_PROFILES_PER_SEGMENT;
    const fields = parseFields(profiles?.fields);
    const model = projectModel(fields);
    const count = this.#filesPerBatch ?? Math.max(DEFAULT_FILES_PER_BATCH, Math.ceil(rows / this.#rowsPerFile));
    for (let index = 0; index < count; index += 1) {
      // Rows shared evenly, in order: file `index` holds rows [first, next) of the batch.
      const [first, next] = [Math.floor((index * rows) / count), Math.floor(((index + 1) * rows) / count)];
      const name = nameOf(index);
      const key = [batchId, name, fields.join(','), first, next, this.#rowsPerRowGroup].join('\n');
      const content = parquetContent({
        key,
        seed: profileSeed(batchId),
        model,
        firstRow: first,
        rows: next - first,
        rowsPerRowGroup: this.#rowsPerRowGroup,
      });
      files.push({
        batchId,
        name,
        content,
        get length() {
          return content.size;
        },
        records: next - first,
      });
    }
    return files;
  }
}

function positive(option: string, value: number): number {
  if (!(Number.isSafeInteger(value) && value >= 1))
    throw new RangeError(`${option} must be a whole number >= 1, got ${String(value)}`);
  return value;
}

export function checkSize(option: string, value: number): void {
  if (!(Number.isSafeInteger(value) && value >= 0))
    throw new RangeError(`${option} must be a whole number of bytes >= 0, got ${String(value)}`);
}
