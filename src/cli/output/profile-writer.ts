/**
 * Profile rows out of the CLI, for `profiles` and `export --format ndjson|csv`: NDJSON or CSV
 * lines, to a file or to stdout, at the pace the reader takes them (memory stays bounded behind a
 * slow pipe). A file is written as `<out>.partial` and renamed to `<out>` once every row is in it,
 * so that a failure never leaves half a file under the name asked for.
 */
import { open, rename, rm, stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { toCsvRows, toNdjsonLines, type ProfileRow } from '../../index.js';
import type { CliIo } from '../io.js';
import { UsageError } from '../usage-error.js';

/** The text formats rows are written in. */
export const PROFILE_FORMATS = ['ndjson', 'csv'] as const;
export type ProfileFormat = (typeof PROFILE_FORMATS)[number];

/** `--out -`: stdout. */
export const STDOUT = '-';

/** What a file is written as until it is complete. */
const PARTIAL = '.partial';

/**
 * Lines are written in pieces of about this many characters: a write per line costs a system call
 * per line when stdout is a file. Pieces of 16 KiB were no faster on 240,000 rows, and added 14 MB
 * of peak RSS.
 */
const CHUNK = 4 * 1024;

/** `--format`, checked against `choices` (case ignored): a usage error naming the flag and the choices. */
export function parseFormat<T extends string>(text: string, choices: readonly T[]): T {
  const format = text.trim().toLowerCase();
  const found = choices.find((choice) => choice === format);
  if (found === undefined) {
    const listed = `${choices.slice(0, -1).join(', ')} or ${choices.at(-1)}`;
    throw new UsageError(`--format must be ${listed}; got ${JSON.stringify(text)}`);
  }
  return found;
}

export interface WriteProfilesOptions {
  format: ProfileFormat;
  /**
   * CSV columns as dot paths, or how to read them (from the files' schema) once the first row is
   * due; by default the first row's.
   */
  columns?: readonly string[] | (() => Promise<readonly string[] | undefined>) | undefined;
  /** Told of each row as it is turned into text, for progress. */
  onRow?: (() => void) | undefined;
}

/** Where rows go: a file (through `<file>.partial`) or stdout. */
export interface ProfileOutput {
  /** The output as told to people: the file as given, or `stdout`. */
  readonly name: string;
  /**
   * Writes every row and resolves with how many were written; a file is then renamed into place.
   * On any failure a file's `.partial` is removed and the error rethrown; when the reader of stdout
   * went away it rejects with that signal's reason, which the CLI reports as a quiet exit. Once only.
   */
  write(rows: AsyncIterable<ProfileRow>, options: WriteProfilesOptions): Promise<number>;
}

/**
 * The output named by `--out`: stdout when it is absent or `-`; otherwise `<out>.partial` is
 * created now, so that a path that cannot be written fails before any work (an export job) starts.
 */
export async function openProfileOutput(io: CliIo, out: string | undefined): Promise<ProfileOutput> {
  if (out === undefined || out === STDOUT) {
    return {
      name: 'stdout',
      write: async (rows, options) => {
        const tally = { rows: 0 };
        await toStdout(io, lines(rows, options, tally));
        return tally.rows;
      },
    };
  }
  if ((await stat(out).catch(() => undefined))?.isDirectory())
    throw new UsageError(`--out ${out} is a folder: give the file to write the profiles to`);
  const partial = `${out}${PARTIAL}`;
  const handle = await open(partial, 'w');
  return {
    name: out,
    write: async (rows, options) => {
      const tally = { rows: 0 };
      try {
        // flush: the bytes reach the disk before the rename makes the file visible under its name.
        await pipeline(Readable.from(lines(rows, options, tally)), handle.createWriteStream({ flush: true }));
        await rename(partial, out);
        return tally.rows;
      } catch (error) {
        await handle.close().catch(() => {});
        await rm(partial, { force: true });
        throw error;
      }
    },
  };
}

/** The rows as text lines in `format`, joined into chunks of about {@link CHUNK} characters; `tally` counts the rows. */
async function* lines(
  rows: AsyncIterable<ProfileRow>,
  options: WriteProfilesOptions,
  tally: { rows: number },
): AsyncGenerator<string> {
  const counted = (async function* () {
    for await (const row of rows) {
      tally.rows++;
      options.onRow?.();
      yield row;
    }
  })();
  let text: AsyncGenerator<string>;
  if (options.format === 'csv') {
    const columns = typeof options.columns === 'function' ? await options.columns() : options.columns;
    text = toCsvRows(counted, columns);
  } else text = toNdjsonLines(counted);
  let chunk = '';
  for await (const line of text) {
    chunk += line;
    if (chunk.length >= CHUNK) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk) yield chunk;
}

/** A stream that says when its buffer has emptied again, as Node's writable streams do. */
interface Drainable {
  once(event: 'drain', listener: () => void): unknown;
  off(event: 'drain', listener: () => void): unknown;
}

const drainable = (stream: object): stream is Drainable =>
  typeof (stream as Partial<Drainable>).once === 'function' && typeof (stream as Partial<Drainable>).off === 'function';

/** Writes to stdout, waiting for it to drain whenever it says its buffer is full. */
async function toStdout(io: CliIo, chunks: AsyncIterable<string>): Promise<void> {
  for await (const chunk of chunks) {
    if (io.outputClosed?.aborted) throw io.outputClosed.reason;
    if (io.stdout.write(chunk) === false) await drained(io);
  }
}

/**
 * Resolves once stdout drains; throws the reason of Ctrl-C, or of the reader going away (then no
 * drain ever comes), when that happens first. A stream that cannot tell of a drain is not waited for.
 */
async function drained(io: CliIo): Promise<void> {
  const stream = io.stdout;
  if (!drainable(stream)) return;
  const signals = [io.signal, io.outputClosed].filter((signal): signal is AbortSignal => signal !== undefined);
  const done = new AbortController();
  let onDrain: (() => void) | undefined;
  try {
    await new Promise<void>((resolve) => {
      onDrain = resolve;
      stream.once('drain', resolve);
      for (const signal of signals) signal.addEventListener('abort', () => resolve(), { signal: done.signal });
      if (signals.some((signal) => signal.aborted)) resolve();
    });
  } finally {
    if (onDrain) stream.off('drain', onDrain);
    done.abort();
  }
  for (const signal of signals) signal.throwIfAborted();
}
