import { ResponseValidationError } from '../errors/response-validation-error.js';
import { UnsafeResponseError } from '../errors/unsafe-response-error.js';
import { parseBody } from '../internal/http/parse.js';
import { linkUnder, path, pathSegment } from '../internal/http/path.js';
import type { HttpResult, Transport } from '../internal/http/transport.js';
import type { RequestOptions } from '../options.js';
import { DatasetFilesPageSchema, FileListingSchema } from '../models/data-access.js';

/** One downloadable file of an exported batch. */
export interface BatchFile {
  /** The dataset file (or directory) it belongs to. */
  dataSetFileId: string;
  /** The file's name as the server gives it (it may hold sub-folders). */
  name: string;
  /** Its size in bytes, when the listing gives it. */
  length: number | undefined;
  /** Where to download it, relative to the Data Access base URL (`files/{id}?path={name}`). */
  downloadPath: string;
}

/** A dataset file id the server sent, as a path segment; one that could change the URL is the server's fault. */
function serverIdSegment(dataSetFileId: string): string {
  try {
    return pathSegment(dataSetFileId, 'dataSetFileId');
  } catch {
    throw new UnsafeResponseError('dataSetFileId', dataSetFileId, 'cannot be put in a URL path');
  }
}

/** The most entries Data Access returns per page. */
export const DATA_ACCESS_PAGE_LIMIT = 100;
/** How deep directories may nest before the listing is refused as a loop. */
const MAX_DEPTH = 16;

/**
 * Every file of a batch: `GET /batches/{batchId}/files` page by page (`start`/`limit`, following
 * `_links.next`), then `GET /files/{dataSetFileId}` for each, following directories into their
 * files. Links are followed only on the Data Access origin and base path.
 */
export async function listBatchFiles(
  dataAccess: Transport,
  batchId: string,
  settings: RequestOptions,
): Promise<BatchFile[]> {
  const base = dataAccess.config.baseUrl;
  const files: BatchFile[] = [];
  const visited = new Set<string>();

  const collect = async (dataSetFileId: string, depth: number): Promise<void> => {
    if (visited.has(dataSetFileId)) return;
    if (depth > MAX_DEPTH)
      throw new UnsafeResponseError('dataSetFileId', dataSetFileId, `directories nest deeper than ${MAX_DEPTH} levels`);
    visited.add(dataSetFileId);
    for await (const listing of pages(
      `files/${serverIdSegment(dataSetFileId)}?start=0&limit=${DATA_ACCESS_PAGE_LIMIT}`,
      (result) => parseBody(result, FileListingSchema),
    )) {
      for (const entry of listing.data) {
        if (entry.name !== undefined) {
          const self = entry._links?.self?.href;
          files.push({
            dataSetFileId,
            name: entry.name,
            length: entry.length,
            downloadPath: self
              ? linkUnder(self, base, 'file link')
              : `files/${serverIdSegment(dataSetFileId)}?path=${encodeURIComponent(entry.name)}`,
          });
        } else if (entry.dataSetFileId !== undefined) {
          await collect(entry.dataSetFileId, depth + 1);
        }
      }
    }
  };

  /** Pages from `first` on, following `_links.next.href` on the Data Access origin only. */
  async function* pages<
    T extends { data: unknown[]; _links?: { next?: { href?: string | undefined } | undefined } | undefined },
  >(first: string, parse: (result: HttpResult) => T): AsyncGenerator<T> {
    const followed = new Set<string>();
    let path: string | undefined = first;
    while (path !== undefined) {
      if (followed.has(path)) throw new UnsafeResponseError('_links.next.href', path, 'repeats a page already read');
      followed.add(path);
      const page = parse(await dataAccess.send({ method: 'GET', path, idempotent: true }, settings));
      yield page;
      const next = page._links?.next?.href;
      path = next && page.data.length > 0 ? linkUnder(next, base, '_links.next.href') : undefined;
    }
  }

  const first = `${path`batches/${{ batchId }}/files`}?start=0&limit=${DATA_ACCESS_PAGE_LIMIT}`;
  for await (const page of pages(first, (result) => parseBody(result, DatasetFilesPageSchema))) {
    for (const datasetFile of page.data) await collect(datasetFile.dataSetFileId, 0);
  }
  return files;
}

/** How often a ranged read starts again after its body broke off, from the byte it reached. */
const RANGE_BODY_RETRIES = 3;

/**
 * Bytes `[start, end)` of a batch file, with a `Range` request through the Data Access transport
 * (its auth, retries and checks): a 206 must answer exactly the range asked for; a 200 (a server
 * that ignores `Range`) is read up to `end` and dropped after it. A body that breaks off is asked
 * again from the byte it reached. Never more than `end - start` bytes are kept.
 *
 * @example
 * ```ts
 * const footer = await readBatchFileRange(dataAccess, file, file.length! - 8, file.length!, {});
 * ```
 */
export async function readBatchFileRange(
  dataAccess: Transport,
  file: Pick<BatchFile, 'name' | 'downloadPath'>,
  start: number,
  end: number,
  settings: RequestOptions,
): Promise<Uint8Array> {
  const out = new Uint8Array(Math.max(0, end - start));
  let got = 0;
  // Only the SDK sets Range: one from the caller's headers would get an answer nobody checks.
  const headers = Object.fromEntries(
    Object.entries(settings.headers ?? {}).filter(([name]) => name.toLowerCase() !== 'range'),
  );
  for (let attempt = 0; got < out.length; attempt += 1) {
    const from = start + got;
    const response = await dataAccess.stream(
      { method: 'GET', path: file.downloadPath, idempotent: true },
      { ...settings, headers: { ...headers, accept: '*/*', range: `bytes=${from}-${end - 1}` } },
    );
    const refuse = (why: string): never => {
      void response.body?.cancel().catch(() => {});
      throw new ResponseValidationError(`Refused the response for ${file.name}: ${why}`, {
        body: '',
        status: response.status,
        requestId: response.requestId,
      });
    };
    let skip = 0;
    if (response.status === 200) skip = from;
    else if (response.status === 206) {
      const range = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(response.headers.get('content-range') ?? '');
      if (!range || Number(range[1]) !== from || Number(range[2]) !== end - 1) {
        refuse(
          `asked for bytes ${from}-${end - 1}, got Content-Range ` +
            JSON.stringify(response.headers.get('content-range')),
        );
      }
    } else refuse(`unexpected status ${response.status} for a ranged read`);
    const reader = response.body?.getReader();
    try {
      while (reader && got < out.length) {
        const { done, value } = await reader.read();
        if (done) break;
        const chunk = skip > 0 ? value.subarray(Math.min(skip, value.length)) : value;
        skip -= value.length - chunk.length;
        if (response.status === 206 && got + chunk.length > out.length) refuse(`the body runs past byte ${end}`);
        const room = out.length - got;
        out.set(chunk.length > room ? chunk.subarray(0, room) : chunk, got);
        got += Math.min(room, chunk.length);
      }
    } catch (error) {
      // A body that broke off is asked again from where it stopped; the caller's abort is not.
      settings.signal?.throwIfAborted();
      if (attempt >= RANGE_BODY_RETRIES) throw error;
      continue;
    } finally {
      void reader?.cancel().catch(() => {});
    }
    if (got < out.length && attempt >= RANGE_BODY_RETRIES)
      refuse(`the body ended at byte ${start + got}, before ${end}`);
  }
  return out;
}
