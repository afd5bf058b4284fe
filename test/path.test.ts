import { describe, expect, it } from 'vitest';
import { RequestValidationError } from '../src/index.js';
import { jobIdSegment } from '../src/internal/http/path.js';

describe('jobIdSegment', () => {
  it('keeps numeric ids and digit strings as they are', () => {
    expect(jobIdSegment(100)).toBe('100');
    expect(jobIdSegment('1538573416687')).toBe('1538573416687');
  });

  it('percent-encodes anything else that is allowed', () => {
    expect(jobIdSegment('a b%c&d')).toBe('a%20b%25c%26d');
  });

  it.each(['', ' ', '..', 'a/b', 'a?b', 'a#b', 'a\\b', '%2e%2e/../x'])('refuses %j with a message naming the field', (id) => {
    expect(() => jobIdSegment(id, 'id')).toThrow(RequestValidationError);
    expect(() => jobIdSegment(id, 'id')).toThrow(/- id: must/);
  });
});
