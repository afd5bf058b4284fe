// Flag values, parsed without loading the SDK, so that a usage error costs nothing to report.
import ms from 'ms';
import { UsageError } from './usage-error.js';

/** The longest timer Node can set, in ms (about 24.8 days). */
const MAX_DURATION = 2_147_483_647;

/**
 * A duration flag with its unit (`500ms`, `30s`, `10m`, `1h`), read by the `ms` package, as
 * milliseconds. A bare number is refused: `--timeout 5` meaning 5 ms surprises everyone, and AWS
 * users read `--min-delay 5` as seconds. Less than 1 ms is refused too (it would round to 0).
 */
export function parseDuration(text: string, flag: string): number {
  const trimmed = text.trim();
  if (/^\d*\.?\d+$/.test(trimmed)) {
    throw new UsageError(`${flag} needs a unit, such as ${trimmed}s or ${trimmed}ms; got ${JSON.stringify(text)}`);
  }
  const value = /^\.?\d/.test(trimmed) ? ms(trimmed as ms.StringValue) : Number.NaN;
  if (!(typeof value === 'number' && value >= 1 && value <= MAX_DURATION)) {
    throw new UsageError(
      `${flag} must be a duration from 1ms to 24d with its unit, such as 500ms, 30s, 10m or 1h; got ${JSON.stringify(text)}`,
    );
  }
  return Math.round(value);
}

/** A positive integer flag. */
export function parseCount(text: string, flag: string): number {
  const value = Number(text);
  if (!(/^\s*\d+\s*$/.test(text) && Number.isSafeInteger(value) && value > 0)) {
    throw new UsageError(`${flag} must be a positive integer; got ${JSON.stringify(text)}`);
  }
  return value;
}

/** A job id argument: the API's ids are positive integers. */
export function parseJobId(text: string, what = 'job id'): number {
  return parseCount(text, what);
}

/** A duration for people: `450ms`, `20s`, `1m 30s`, `2h 5m`. */
export function formatDuration(milliseconds: number): string {
  if (!Number.isFinite(milliseconds) || milliseconds < 0) return '?';
  if (milliseconds < 1_000) return `${Math.round(milliseconds)}ms`;
  const seconds = Math.round(milliseconds / 1_000);
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return seconds % 60 ? `${minutes}m ${seconds % 60}s` : `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return minutes % 60 ? `${hours}h ${minutes % 60}m` : `${hours}h`;
  return `${Math.floor(hours / 24)}d ${hours % 24}h`;
}

/** Bytes for people, in SI units as download tools show them. */
export function formatBytes(bytes: number): string {
  if (bytes < 1_000) return `${bytes} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let value = bytes / 1_000;
  let unit = 0;
  while (value >= 1_000 && unit < units.length - 1) {
    value /= 1_000;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

/** A value quoted for a POSIX shell when it needs to be, for commands the CLI suggests. */
export function shellQuote(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replaceAll("'", `'\\''`)}'`;
}
