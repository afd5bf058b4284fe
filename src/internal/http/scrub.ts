import { redactor, type Redactor } from './log.js';

/** Bounds the walk, so a hostile body (millions of nodes) cannot make scrubbing the slow part. */
const MAX_NODES = 2_000_000;

// Values built from text that was already redacted (an error body the transport parsed after
// masking it): walking them again, possibly millions of nodes, would find nothing.
const clean = new WeakSet<object>();

/** Marks a value as free of the secrets its transport knows; returns it. */
export function markClean<T>(value: T): T {
  if (typeof value === 'object' && value !== null) clean.add(value);
  return value;
}

/**
 * Masks the given secrets (and bearer tokens) in everything an SDK error can show: its message
 * and stack, and every own property, deep: a parsed JSON body, the headers, the `cause` chain,
 * keys as well as values. Works in place (the error and what it holds were built by the SDK from
 * a response) and returns the error. Objects that cannot be changed (frozen) are left as they are.
 *
 * The server may embed a secret in any way `redact` knows: as is, JSON-escaped, percent- or
 * form-encoded, as HTML character references.
 */
export function scrubError<T>(error: T, secrets: Iterable<string | undefined>): T {
  if (typeof error !== 'object' || error === null) return error;
  const masks = redactor(secrets);
  const seen = new WeakSet<object>();
  const pending: object[] = [error];
  let nodes = 0;
  while (pending.length > 0 && nodes++ < MAX_NODES) {
    const node = pending.pop()!;
    if (seen.has(node) || clean.has(node)) continue;
    seen.add(node);
    if (Array.isArray(node)) scrubArray(node, masks, pending);
    else scrubObject(node, masks, pending);
    // V8 keeps `stack` as an accessor, formatted once with the message of the time.
    if (node instanceof Error && typeof node.stack === 'string' && masks.holds(node.stack))
      node.stack = masks.redact(node.stack);
  }
  return error;
}

function scrubArray(node: unknown[], masks: Redactor, pending: object[]): void {
  if (Object.isFrozen(node)) return;
  for (let index = 0; index < node.length; index++) {
    const value = node[index];
    if (typeof value === 'string') {
      if (masks.holds(value)) node[index] = masks.redact(value);
    } else if (typeof value === 'object' && value !== null) {
      pending.push(value);
    }
  }
}

function scrubObject(node: object, masks: Redactor, pending: object[]): void {
  // Own keys including the non-enumerable ones an Error keeps (`message`, `cause`).
  for (const key of Reflect.ownKeys(node)) {
    const descriptor = Object.getOwnPropertyDescriptor(node, key);
    if (!descriptor || !('value' in descriptor)) continue;
    const value: unknown = descriptor.value;
    let target = key;
    if (typeof key === 'string' && masks.holds(key)) {
      target = masks.redact(key);
      if (!Reflect.deleteProperty(node, key)) continue;
      Reflect.defineProperty(node, target, descriptor);
    }
    if (typeof value === 'string') {
      if (masks.holds(value)) Reflect.defineProperty(node, target, { ...descriptor, value: masks.redact(value) });
    } else if (typeof value === 'object' && value !== null && !ArrayBuffer.isView(value)) {
      pending.push(value);
    }
  }
}
