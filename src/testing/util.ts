/**
 * Small helpers every part of the simulator uses, kept in one place so that the services agree
 * (the same seed gives the same id in Catalog, Data Access and the export jobs API).
 */

export const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export const isText = (value: unknown): value is string => typeof value === 'string' && value.trim() !== '';

/** FNV-1a over a string, as 32 bits: cheap, stable across runs and platforms, and good enough for made-up ids. */
export function fnv1a(text: string, basis = 0x811c9dc5): number {
  let hash = basis >>> 0;
  for (let index = 0; index < text.length; index += 1) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/**
 * A stable id of `length` hex digits from a seed (FNV-1a rounds, each with its own basis), so the
 * same job or dataset gets the same ids in every run.
 */
export function hexId(seed: string, length = 32): string {
  let out = '';
  for (let round = 0; out.length < length; round += 1) {
    out += fnv1a(seed, (0x811c9dc5 ^ round) >>> 0)
      .toString(16)
      .padStart(8, '0');
  }
  return out.slice(0, length);
}

/** A stable id shaped like a version 4 UUID, from a seed. */
export function uuidId(seed: string): string {
  const hex = hexId(seed);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** `path` without its trailing slashes (`/a/b//` → `/a/b`; `/` → ``): the SDK's own, one rule for both. */
export { trimTrailingSlashes } from '../options.js';

/** The text parsed as JSON, or `undefined` when it is not JSON (a JSON `null` is `{ value: null }`). */
export function parseJson(text: string): { value: unknown } | undefined {
  try {
    return { value: JSON.parse(text) as unknown };
  } catch {
    return undefined;
  }
}

/** A path segment percent-decoded, or as it is when it is not valid percent-encoding. */
export function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
