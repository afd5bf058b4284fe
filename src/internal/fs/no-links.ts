import { constants, type Stats } from 'node:fs';
import { lstat, mkdir, open, realpath, type FileHandle } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import isPathInside from 'is-path-inside';
import { UnsafeResponseError } from '../../errors/unsafe-response-error.js';

/**
 * Writes under a download folder that never go through a link the SDK did not create.
 *
 * Policy: a symbolic link (or a hard-linked `.part`) found where a download would write is
 * refused, never followed, never replaced: removing it could destroy something the user put
 * there on purpose, and following it could write anywhere. `dir` itself may be a link (macOS's
 * `/tmp` is one): containment is judged against its real path.
 *
 * Node has no `openat`, so a link swapped in between a check and a write by a local process
 * cannot be excluded entirely; the `.part` is opened with `O_NOFOLLOW`, and the folder's real
 * path is checked again before each rename to narrow that window.
 */

/** Where one server-named file goes: its name (for errors), the folder it must stay in, and its path. */
export interface FolderTarget {
  name: string;
  /** `resolve(dir)`. */
  root: string;
  /** The final path, inside `root` (from `safeFilePath`). */
  path: string;
}

// O_NONBLOCK: a FIFO planted as the .part would otherwise block the open forever.
const PART_FLAGS =
  constants.O_WRONLY |
  constants.O_CREAT |
  constants.O_APPEND |
  (constants.O_NOFOLLOW ?? 0) |
  (constants.O_NONBLOCK ?? 0);

function refuse(target: FolderTarget, why: string): never {
  throw new UnsafeResponseError('file name', target.name, why);
}

function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : undefined;
}

/** `lstat`, or `undefined` when nothing is there. */
export async function lstatIfAny(path: string): Promise<Stats | undefined> {
  try {
    return await lstat(path);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw error;
  }
}

/** What is at `path`, refusing a symbolic link there. */
export async function statWithoutLinks(target: FolderTarget, path: string): Promise<Stats | undefined> {
  const stats = await lstatIfAny(path);
  if (stats?.isSymbolicLink())
    refuse(target, `would be written through the symbolic link ${path}, which the download did not create`);
  return stats;
}

/**
 * Creates the target's folders one level at a time: `mkdir -p` would follow a symlinked
 * sub-folder and create folders outside `dir`. Returns the real path of `dir`.
 */
export async function prepareFolders(target: FolderTarget): Promise<string> {
  await mkdir(target.root, { recursive: true });
  const realRoot = await realpath(target.root);
  let folder = target.root;
  for (const segment of relative(target.root, dirname(target.path)).split(sep).filter(Boolean)) {
    folder = join(folder, segment);
    let stats = await statWithoutLinks(target, folder);
    if (stats === undefined) {
      try {
        await mkdir(folder);
      } catch (error) {
        // Another download of the batch created it first.
        if (errorCode(error) !== 'EEXIST') throw error;
      }
      stats = await statWithoutLinks(target, folder);
    }
    // A file where a folder should be: mkdir's own EEXIST names the path (a local problem, not the server's).
    if (!stats?.isDirectory()) await mkdir(folder);
  }
  await checkInside(target, realRoot);
  return realRoot;
}

/** The real path of the target's folder must be `dir`'s real path or inside it. */
export async function checkInside(target: FolderTarget, realRoot: string): Promise<void> {
  const real = await realpath(dirname(target.path));
  if (real !== realRoot && !isPathInside(real, realRoot)) refuse(target, `resolves to ${real}, outside ${realRoot}`);
}

/**
 * Opens the `.part` for appending without following a link, refusing anything but a regular file
 * with one name (a hard link would let the download change another file), and cuts it to `keep`
 * bytes when given, so that what follows is appended right after bytes already checked. Resolves
 * with the open file and its size.
 */
export async function openPart(
  target: FolderTarget,
  part: string,
  keep?: number,
): Promise<{ handle: FileHandle; size: number }> {
  // Without O_NOFOLLOW (Windows) the lstat is the only guard.
  if (!constants.O_NOFOLLOW) await statWithoutLinks(target, part);
  let handle: FileHandle;
  try {
    handle = await open(part, PART_FLAGS, 0o666);
  } catch (error) {
    // ELOOP (EMLINK on FreeBSD): the last component is a symbolic link. ENXIO: a FIFO with no reader.
    const code = errorCode(error);
    if (code === 'ELOOP' || code === 'EMLINK')
      refuse(target, `would be written through the symbolic link ${part}, which the download did not create`);
    if (code === 'ENXIO') refuse(target, `${part} is not a regular file`);
    throw error;
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) refuse(target, `${part} is not a regular file`);
    if (stats.nlink > 1) refuse(target, `${part} is a hard link to another file, which the download would change`);
    if (keep !== undefined && stats.size !== keep) await handle.truncate(keep);
    return { handle, size: keep ?? stats.size };
  } catch (error) {
    await handle.close();
    throw error;
  }
}
