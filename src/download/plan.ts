import { resolve } from 'node:path';
import { ResponseValidationError } from '../errors/response-validation-error.js';
import { UnsafeResponseError } from '../errors/unsafe-response-error.js';
import { safeFilePath } from '../internal/fs/safe-path.js';
import type { FolderTarget } from '../internal/fs/no-links.js';
import type { BatchFile } from '../resources/data-access.js';

export const PART = '.part';

/** One file to download and where it goes. */
export interface Target extends FolderTarget {
  file: BatchFile;
}

/**
 * Checks the whole listing before a byte is written, so that a bad entry cannot leave half a
 * batch behind: every name lands inside `dir`, every length is a byte count, and no two files
 * (or a file and the `.part` or folder of another) share a path on any file system the folder
 * may be copied to.
 */
export function planTargets(dir: string, files: readonly BatchFile[]): Target[] {
  const root = resolve(dir);
  const targets = files.map((file) => {
    checkLength(file);
    return { file, name: file.name, root, path: safeFilePath(dir, file.name) };
  });
  checkCollisions(files.map((file) => file.name));
  return targets;
}

function checkLength(file: BatchFile): void {
  if (file.length === undefined || (Number.isSafeInteger(file.length) && file.length >= 0)) return;
  throw new ResponseValidationError(
    `The listing gives ${file.name} a length of ${file.length}, which is not a byte count`,
    { body: '', status: 200 },
  );
}

/**
 * The key two names collide under: macOS and Windows folders ignore case by default, and macOS
 * treats the NFC and NFD spellings of a name as one.
 */
function folded(name: string): string {
  return name.normalize('NFC').toLowerCase().normalize('NFC');
}

/**
 * Refuses two files on one path, a file named like another's `.part`, and a file that is a
 * folder of another (`a` and `a/b`): whichever was written second would fail half-way, or
 * overwrite the first.
 */
function checkCollisions(names: readonly string[]): void {
  // Each key: what holds it, and whether it is a file (or a .part) rather than a folder.
  const taken = new Map<string, { name: string; file: boolean }>();
  const claim = (key: string, name: string, file: boolean) => {
    const holder = taken.get(key);
    if (holder && (file || holder.file)) {
      const problem =
        holder.name === name
          ? 'appears twice in the batch'
          : `collides with ${JSON.stringify(holder.name)} (same path, a .part, a folder of it, or the same name up to case or Unicode form)`;
      throw new UnsafeResponseError('file name', name, problem);
    }
    if (!holder) taken.set(key, { name, file });
  };
  for (const name of names) {
    const segments = folded(name).split('/');
    for (let depth = 1; depth < segments.length; depth++) claim(segments.slice(0, depth).join('/'), name, false);
    const key = segments.join('/');
    claim(key, name, true);
    claim(`${key}${PART}`, name, true);
  }
}
