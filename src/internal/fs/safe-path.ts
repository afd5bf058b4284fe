import { join, resolve } from 'node:path';
import isPathInside from 'is-path-inside';
import { UnsafeResponseError } from '../../errors/unsafe-response-error.js';

/**
 * Where a file named by the server goes under `dir`: the name may hold sub-folders (always `/`
 * separated, as Data Access gives them), but an absolute name, a `.`, `..` or empty segment, a
 * backslash or a NUL is refused, and the result must stay inside `dir` on this platform's terms
 * (is-path-inside, so the check holds with Windows separators too).
 */
export function safeFilePath(dir: string, name: string): string {
  const refuse = (why: string): never => {
    throw new UnsafeResponseError('file name', name, why);
  };
  if (name === '' || name.includes('\0') || name.includes('\\'))
    return refuse('is empty or holds a NUL or a backslash');
  if (name.startsWith('/') || /^[a-zA-Z]:/.test(name)) return refuse('is absolute');
  const segments = name.split('/');
  if (segments.some((segment) => segment === '..' || segment === '.' || segment === ''))
    return refuse('holds an empty, "." or ".." segment');
  const root = resolve(dir);
  const target = resolve(join(root, ...segments));
  if (!isPathInside(target, root)) return refuse(`escapes ${dir}`);
  return target;
}
