/**
 * The simulated Data Access API, as far as an export needs it: the files of a finished export
 * job's batches. `GET /batches/{batchId}/files` lists a batch's dataset files, `GET /files/{id}`
 * lists a dataset file's files (or a directory's children), and `GET`/`HEAD /files/{id}?path={name}`
 * serves a file's bytes, with `Range` support. A job's files are real Parquet holding its
 * profiles (see `parquet.ts`), unless `exportFiles.bytesPerFile` asks for files of given sizes
 * (pseudo-random bytes, for download tests). Either way the bytes are generated on the fly, so a
 * file of any size streams in bounded memory.
 */
import { contentSeed, contentStream, fixedContent, generatedContent, readAll, type FileContent } from './bytes.js';
import { parse as parseRangeHeader } from 'range-parser';
import { jsonResponse, platformProblem } from './responses.js';
import { hexId } from './util.js';
import {
  checkSize,
  ExportFileMaker,
  type BatchProfiles,
  type FileRecord,
  type ParquetLayoutOptions,
} from './export-files.js';
import {
  DATA_ACCESS_MAX_LIMIT,
  type AddBatchFileOptions,
  type ExportFilesOptions,
  type SimulatedBatchFile,
} from './options.js';

/** The finished export a batch belongs to, as the simulator's jobs tell it. */
export interface BatchOwner {
  datasetId: string;
  viewId: string;
  orgId: string;
  sandbox: string;
  /** When the batch was written (the job's finish time), epoch ms. */
  created: number;
  /**
   * The profiles the batch holds: how many (the job's `totalExportedProfileCounter`, or the
   * segment's share with `segmentPerBatch`) and the job's `fields`. Without it, a batch holds
   * `DEFAULT_PROFILES_PER_SEGMENT` profiles with the default fields.
   */
  profiles?: BatchProfiles | undefined;
}

export type { BatchProfiles, ParquetLayoutOptions } from './export-files.js';

/** Who is asking. */
export interface DataAccessScope {
  orgId: string;
  sandbox: string;
  requestId: string;
}

interface AddedFile extends FileRecord {
  sandbox: string | undefined;
  orgId: string | undefined;
  created: number;
}

interface Batch {
  batchId: string;
  viewId: string;
  created: number;
  files: FileRecord[];
}

const FILE_ID = /^(.+)-(\d+)$/;

export class SimulatedDataAccess {
  readonly #maker: ExportFileMaker;
  readonly #directories: boolean;
  readonly #ranges: boolean;
  readonly #owner: (batchId: string) => BatchOwner | undefined;
  readonly #now: () => number;
  #added = new Map<string, AddedFile[]>();
  #inFlight = 0;
  #peak = 0;

  constructor(
    options: ExportFilesOptions & ParquetLayoutOptions,
    hooks: { owner: (batchId: string) => BatchOwner | undefined; now: () => number },
  ) {
    this.#maker = new ExportFileMaker(options);
    this.#directories = options.directories ?? false;
    this.#ranges = options.ranges ?? true;
    this.#owner = hooks.owner;
    this.#now = hooks.now;
  }

  /** File downloads being answered now: from the request until its body is sent, broken off or abandoned. */
  get inFlight(): number {
    return this.#inFlight;
  }

  /** The most file downloads answered at once since the last reset. */
  get peakInFlight(): number {
    return this.#peak;
  }

  reset(): void {
    this.#added = new Map();
    this.#inFlight = 0;
    this.#peak = 0;
  }

  addFile(
    batchId: string,
    name: string,
    content: Uint8Array | number,
    options: AddBatchFileOptions = {},
  ): SimulatedBatchFile {
    if (typeof batchId !== 'string' || batchId === '') throw new TypeError('addBatchFile needs a batch id');
    if (typeof name !== 'string' || name === '') throw new TypeError('addBatchFile needs a file name');
    let fileContent: FileContent;
    if (typeof content === 'number') {
      checkSize('size', content);
      fileContent = generatedContent(contentSeed(batchId, name), content);
    } else if (content instanceof Uint8Array) fileContent = fixedContent(content);
    else throw new TypeError('addBatchFile needs the bytes (a Uint8Array) or a size in bytes');
    const length = options.length ?? fileContent.size;
    checkSize('length', length);
    const added: AddedFile = {
      batchId,
      name,
      content: fileContent,
      length,
      sandbox: options.sandboxName,
      orgId: options.orgId,
      created: this.#now(),
    };
    const list = this.#added.get(batchId) ?? [];
    list.push(added);
    this.#added.set(batchId, list);
    // Added files come last in the batch, in the order added.
    return this.files(batchId).at(-1)!;
  }

  /** Every file of a batch, whatever the sandbox; empty when the batch holds none (yet). */
  files(batchId: string): SimulatedBatchFile[] {
    const batch = this.#batch(batchId, undefined);
    return (batch?.files ?? []).map((file, index) => ({
      batchId,
      dataSetFileId: fileId(batchId, index),
      name: file.name,
      size: file.content.size,
      length: file.length,
    }));
  }

  /** A file's whole content, for comparing downloads with; `undefined` when there is no such file. */
  bytes(batchId: string, name: string): Uint8Array | undefined {
    const file = this.#batch(batchId, undefined)?.files.find((candidate) => candidate.name === name);
    return file && readAll(file.content);
  }

  /**
   * Answers a request under the Data Access base path. `parts` are the path's segments after it;
   * `base` is the absolute base URL links are built on.
   */
  answer(
    request: {
      method: string;
      parts: readonly string[];
      query: URLSearchParams;
      headers: Headers;
      signal: AbortSignal | undefined;
    },
    scope: DataAccessScope,
    base: string,
  ): Response {
    const { method, parts, query } = request;
    const notFound = (what: string) => platformProblem(404, 'DAS-1404-404', `${what} is not found.`, scope.requestId);
    if (parts[0] === 'batches' && parts[2] === 'files' && parts.length === 3) {
      if (method !== 'GET') return notAllowed(method, 'GET', scope.requestId);
      const batchId = parts[1] ?? '';
      const batch = this.#batch(batchId, scope);
      if (!batch) return notFound(`Batch ${batchId}`);
      const paging = readPaging(query, scope.requestId);
      if (paging instanceof Response) return paging;
      const entries =
        this.#directories && batch.files.length > 0
          ? [this.#datasetFileEntry(batch, 0, base)]
          : batch.files.map((_, index) => this.#datasetFileEntry(batch, index + 1, base));
      return page(
        entries,
        paging,
        (start) => `${base}/batches/${encodeURIComponent(batchId)}/files?start=${start}&limit=${paging.limit}`,
      );
    }
    if (parts[0] !== 'files' || parts.length !== 2) return notFound(`The resource /${parts.join('/')}`);
    if (method !== 'GET' && method !== 'HEAD') return notAllowed(method, 'GET, HEAD', scope.requestId);

    const dataSetFileId = parts[1] ?? '';
    const match = FILE_ID.exec(dataSetFileId);
    const batch = match ? this.#batch(match[1]!, scope) : undefined;
    const number = match ? Number(match[2]) : NaN;
    const isDirectory = this.#directories && number === 0 && batch !== undefined && batch.files.length > 0;
    const file = batch && number >= 1 ? batch.files[number - 1] : undefined;
    if (!batch || (!isDirectory && !file)) return notFound(`Dataset file ${dataSetFileId}`);

    const path = query.get('path');
    if (path === null) {
      if (method === 'HEAD')
        return platformProblem(
          400,
          'DAS-1400-400',
          'HEAD needs the path query parameter: the name of the file.',
          scope.requestId,
        );
      const paging = readPaging(query, scope.requestId);
      if (paging instanceof Response) return paging;
      const entries = isDirectory
        ? batch.files.map((_, index) => this.#datasetFileEntry(batch, index + 1, base))
        : [
            {
              name: file!.name,
              length: String(file!.length),
              _links: {
                self: {
                  href: `${base}/files/${encodeURIComponent(dataSetFileId)}?path=${encodeURIComponent(file!.name)}`,
                },
              },
            },
          ];
      return page(
        entries,
        paging,
        (start) => `${base}/files/${encodeURIComponent(dataSetFileId)}?start=${start}&limit=${paging.limit}`,
      );
    }
    if (!file || file.name !== path) return notFound(`File ${JSON.stringify(path)} of dataset file ${dataSetFileId}`);
    return this.#content(file, method, request.headers, request.signal, scope.requestId);
  }

  #content(
    file: FileRecord,
    method: string,
    headers: Headers,
    signal: AbortSignal | undefined,
    requestId: string,
  ): Response {
    const size = file.content.size;
    const common: Record<string, string> = {
      'content-type': 'application/octet-stream',
      ...(this.#ranges ? { 'accept-ranges': 'bytes' } : {}),
    };
    if (method === 'HEAD')
      return new Response(null, { status: 200, headers: { ...common, 'content-length': String(size) } });
    const range = this.#ranges ? parseRange(headers.get('range'), size) : undefined;
    if (range === 'unsatisfiable') {
      return platformProblem(
        416,
        'DAS-1416-416',
        `The range ${headers.get('range')} is outside the file's ${size} bytes.`,
        requestId,
        { 'content-range': `bytes */${size}` },
      );
    }
    const [start, end] = range ?? [0, size];
    this.#inFlight += 1;
    this.#peak = Math.max(this.#peak, this.#inFlight);
    const body = contentStream(file.content, start, end, { signal, onEnd: () => (this.#inFlight -= 1) });
    const partial = range !== undefined;
    return new Response(body, {
      status: partial ? 206 : 200,
      headers: {
        ...common,
        'content-length': String(end - start),
        ...(partial ? { 'content-range': `bytes ${start}-${end - 1}/${size}` } : {}),
      },
    });
  }

  #datasetFileEntry(batch: Batch, number: number, base: string): Record<string, unknown> {
    const files = number === 0 ? batch.files : [batch.files[number - 1]!];
    const size = files.reduce((sum, file) => sum + file.content.size, 0);
    const id = `${batch.batchId}-${number}`;
    return {
      dataSetFileId: id,
      dataSetViewId: batch.viewId,
      version: '1.0.0',
      created: String(batch.created),
      updated: String(batch.created),
      isValid: true,
      // Parquet files count their profiles; other files make a number up from their size.
      records: String(
        files.reduce((sum, file) => sum + (file.records ?? Math.max(1, Math.floor(file.content.size / 256))), 0),
      ),
      size: String(size),
      _links: { self: { href: `${base}/files/${encodeURIComponent(id)}` } },
    };
  }

  /** A batch with its files as `scope` sees it (every sandbox when `scope` is undefined). */
  #batch(batchId: string, scope: { orgId: string; sandbox: string } | undefined): Batch | undefined {
    const owner = this.#owner(batchId);
    const visibleOwner =
      owner && (scope === undefined || (owner.orgId === scope.orgId && owner.sandbox === scope.sandbox))
        ? owner
        : undefined;
    const added = (this.#added.get(batchId) ?? []).filter(
      (file) =>
        scope === undefined ||
        ((file.sandbox === undefined || file.sandbox === scope.sandbox) &&
          (file.orgId === undefined || file.orgId === scope.orgId)),
    );
    if (!visibleOwner && added.length === 0) return undefined;
    const files: FileRecord[] = visibleOwner ? this.#maker.files(batchId, visibleOwner.profiles) : [];
    files.push(...added);
    return {
      batchId,
      viewId: visibleOwner?.viewId ?? hexId(`view:batch:${batchId}`, 24),
      created: visibleOwner?.created ?? added[0]!.created,
      files,
    };
  }
}

function fileId(batchId: string, index: number): string {
  return `${batchId}-${index + 1}`;
}

function readPaging(query: URLSearchParams, requestId: string): { start: number; limit: number } | Response {
  const startText = query.get('start');
  const limitText = query.get('limit');
  const problems: string[] = [];
  if (startText !== null && !/^\d+$/.test(startText))
    problems.push(`start must be an integer >= 0, got ${JSON.stringify(startText)}`);
  if (limitText !== null && !/^\d+$/.test(limitText))
    problems.push(`limit must be a positive integer, got ${JSON.stringify(limitText)}`);
  const limit = limitText === null ? DATA_ACCESS_MAX_LIMIT : Number(limitText);
  if (limitText !== null && /^\d+$/.test(limitText) && limit < 1) problems.push('limit must be at least 1');
  if (problems.length > 0) return platformProblem(400, 'DAS-1400-400', problems.join('; '), requestId);
  // Data Access returns at most 100 entries a page, whatever is asked.
  return { start: startText === null ? 0 : Number(startText), limit: Math.min(limit, DATA_ACCESS_MAX_LIMIT) };
}

function page(
  entries: readonly unknown[],
  paging: { start: number; limit: number },
  nextHref: (start: number) => string,
): Response {
  const data = entries.slice(paging.start, paging.start + paging.limit);
  const next = paging.start + paging.limit;
  return jsonResponse(
    {
      data,
      _page: { limit: paging.limit, count: data.length },
      // Absolute, on the request's origin; only while more entries remain.
      ...(next < entries.length ? { _links: { next: { href: nextHref(next) } } } : {}),
    },
    200,
  );
}

/**
 * A `Range` header read against a file of `size` bytes: `[start, end)` to serve, `'unsatisfiable'`
 * (416), or `undefined` to serve the whole file: no header, a malformed one, another unit, or
 * several ranges (a server may ignore those, and the simulator sends no multipart bodies).
 * The parsing is range-parser's (RFC 9110's forms, suffix ranges, clamping to the size).
 */
export function parseRange(header: string | null, size: number): [number, number] | 'unsatisfiable' | undefined {
  if (header === null) return undefined;
  const { code, type, ranges } = parseRangeHeader(size, header);
  // Bit 1: a part is malformed (the header is ignored); bit 2: a part lies outside the file.
  if (code & 1 || type !== 'bytes') return undefined;
  if (ranges.length === 0) return code & 2 ? 'unsatisfiable' : undefined;
  if (ranges.length > 1) return undefined;
  const [range] = ranges as [{ start: number; end: number }];
  return [range.start, range.end + 1];
}

function notAllowed(method: string, allow: string, requestId: string): Response {
  return platformProblem(405, 'DAS-1405-405', `Method ${method} is not supported here.`, requestId, { allow });
}
