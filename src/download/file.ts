import { rename, rm } from 'node:fs/promises';
import { ConnectionError } from '../errors/connection-error.js';
import { ResponseValidationError } from '../errors/response-validation-error.js';
import { TimeoutError } from '../errors/timeout-error.js';
import { systemErrorCode } from '../internal/http/errors.js';
import { withRetries } from '../internal/http/retry.js';
import type { StreamResult, Transport } from '../internal/http/transport.js';
import { checkInside, openPart, prepareFolders, statWithoutLinks } from '../internal/fs/no-links.js';
import type { RequestOptions } from '../options.js';
import type { DownloadedFile } from './types.js';
import { receiveBody, type BodyEnd } from './body.js';
import { PART, type Target } from './plan.js';
import { acceptResponse, isCompleteAt } from './range.js';

export interface FileContext {
  maxResumes: number;
  settings: RequestOptions;
  /** How long a body may pause, in ms: the request timeout. */
  idleTimeout: number;
  /** Told of bytes added to (or, negative, taken back from) the file on disk. */
  onBytes: (added: number, fileBytes: number) => void;
}

/** One file's download as it goes: the bytes checked and on disk, and the size the file must reach. */
interface Progress {
  written: number;
  size: number | undefined;
  resumes: number;
}

/**
 * Downloads one file to `<path>.part`, resuming after breaks, and renames it into place only when
 * its bytes are exactly the server's. A file already complete on disk is skipped.
 */
export async function downloadFile(
  dataAccess: Transport,
  target: Target,
  context: FileContext,
): Promise<DownloadedFile> {
  const { file, path } = target;
  const realRoot = await prepareFolders(target);
  const existing = await statWithoutLinks(target, path);
  if (existing?.isFile() && (file.length === undefined || existing.size === file.length)) {
    context.onBytes(existing.size, existing.size);
    return { name: file.name, path, bytes: existing.size, skipped: true, resumes: 0 };
  }
  const part = `${path}${PART}`;
  const progress: Progress = { written: await resumePoint(target, part), size: file.length, resumes: 0 };
  if (progress.written > 0) context.onBytes(progress.written, progress.written);
  // The one retry layer: each attempt sends its request once.
  await withRetries(() => attemptOnce(dataAccess, target, part, progress, context), {
    maxRetries: context.maxResumes,
    idempotent: true,
    signal: context.settings.signal,
  });
  await moveIntoPlace(target, part, realRoot, progress);
  return { name: file.name, path, bytes: progress.written, skipped: false, resumes: progress.resumes };
}

/**
 * How many bytes of the `.part` left by an earlier run can be kept. Opening it also creates it,
 * so that a 0-byte file, which no attempt writes to, has a `.part` to rename.
 */
async function resumePoint(target: Target, part: string): Promise<number> {
  const { handle, size } = await openPart(target, part);
  try {
    const length = target.file.length;
    if (length === undefined || size <= length) return size;
    await handle.truncate(0);
    return 0;
  } finally {
    await handle.close();
  }
}

/** A failure the server caused: what is on disk cannot be trusted to continue it. */
async function discarding<T>(part: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof ResponseValidationError) await rm(part, { force: true });
    throw error;
  }
}

/** One request for the rest of the file, its checks, and its body appended to the `.part`. */
async function attemptOnce(
  dataAccess: Transport,
  target: Target,
  part: string,
  progress: Progress,
  context: FileContext,
): Promise<void> {
  if (progress.size !== undefined && progress.written === progress.size) return;
  const offset = progress.written;
  if (offset > 0) progress.resumes++;
  await discarding(part, async () => {
    let response: StreamResult;
    try {
      response = await requestFrom(dataAccess, target, offset, context.settings);
    } catch (error) {
      if (isCompleteAt(target.name, error, offset, progress.size)) return;
      throw error;
    }
    const end = await appendResponse(response, target, part, progress, context);
    failUnlessWhole(end, target, progress, response.requestId, context.idleTimeout);
  });
}

function requestFrom(
  dataAccess: Transport,
  target: Target,
  offset: number,
  settings: RequestOptions,
): Promise<StreamResult> {
  // Only the SDK sets Range: one from the caller's headers would get an answer nobody checks.
  const headers = Object.fromEntries(
    Object.entries(settings.headers ?? {}).filter(([name]) => name.toLowerCase() !== 'range'),
  );
  if (offset > 0) headers.range = `bytes=${offset}-`;
  return dataAccess.stream(
    { method: 'GET', path: target.file.downloadPath, idempotent: true },
    { ...settings, maxRetries: 0, headers: { ...headers, accept: '*/*' } },
  );
}

/** Checks the response against what was asked, then appends its body right after the bytes it continues. */
async function appendResponse(
  response: StreamResult,
  target: Target,
  part: string,
  progress: Progress,
  context: FileContext,
): Promise<BodyEnd> {
  let handle;
  try {
    const accepted = acceptResponse(target.name, response, progress.written, progress.size);
    if (accepted.start < progress.written) {
      // The server ignored the range: the file starts over.
      context.onBytes(-progress.written, 0);
      progress.written = 0;
    }
    progress.size ??= accepted.size;
    ({ handle } = await openPart(target, part, accepted.start));
    const received = await receiveBody(response.body, handle, {
      name: target.name,
      status: response.status,
      requestId: response.requestId,
      position: accepted.start,
      end: accepted.end,
      idleTimeout: context.idleTimeout,
      signal: context.settings.signal,
      onChunk: (bytes, position) => {
        progress.written = position;
        context.onBytes(bytes, position);
      },
    });
    return received.end;
  } finally {
    await handle?.close();
    // A response refused unread must still free its connection.
    void response.body?.cancel().catch(() => {});
  }
}

/**
 * A body that broke off, stalled or ended early fails the attempt with an error the retry policy
 * resumes from; what reached the disk stays.
 */
function failUnlessWhole(
  end: BodyEnd,
  target: Target,
  progress: Progress,
  requestId: string,
  idleTimeout: number,
): void {
  if (end.kind === 'stalled') {
    throw new TimeoutError(
      `Download of ${target.name} stalled at byte ${progress.written}: no data for ${idleTimeout} ms`,
      {
        timeout: idleTimeout,
        requestIds: [requestId],
      },
    );
  }
  if (end.kind === 'broken') {
    const reason = end.error instanceof Error ? end.error.message : String(end.error);
    throw new ConnectionError(`Download of ${target.name} broke off at byte ${progress.written}: ${reason}`, {
      code: systemErrorCode(end.error),
      requestIds: [requestId],
    });
  }
  if (progress.size !== undefined && progress.written < progress.size) {
    throw new ConnectionError(
      `Download of ${target.name} ended early at byte ${progress.written} of ${progress.size}`,
      { requestIds: [requestId] },
    );
  }
}

/**
 * Renames the `.part` over the final name once its size is the server's. Links are looked for
 * again first, in case one appeared during the download: a rename never writes through a link,
 * but the file must still land inside `dir`.
 */
async function moveIntoPlace(target: Target, part: string, realRoot: string, progress: Progress): Promise<void> {
  if (progress.size !== undefined && progress.written !== progress.size) {
    await rm(part, { force: true });
    const why = `Downloaded ${progress.written} bytes of ${target.name}, but the server says it has ${progress.size}`;
    throw new ResponseValidationError(why, { body: '', status: 200 });
  }
  await statWithoutLinks(target, part);
  await statWithoutLinks(target, target.path);
  await checkInside(target, realRoot);
  await rename(part, target.path);
}
