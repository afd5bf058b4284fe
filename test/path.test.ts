import { describe, expect, it } from 'vitest';
import { RequestValidationError } from '../src/index.js';
import { path, pathSegment } from '../src/internal/http/path.js';

describe('path', () => {
  it('keeps numeric ids and digit strings as they are', () => {
    expect(path`export/jobs/${{ id: 100 }}`).toBe('export/jobs/100');
    expect(path`export/jobs/${{ id: '1538573416687' }}`).toBe('export/jobs/1538573416687');
  });

  it('percent-encodes anything else that is allowed', () => {
    expect(pathSegment('a b%c&d', 'id')).toBe('a%20b%25c%26d');
    expect(path`batches/${{ batchId: 'a b' }}/files`).toBe('batches/a%20b/files');
  });

  it.each(['', ' ', '.', '..', 'a/b', 'a?b', 'a#b', 'a\\b', 'a\nb', '%2e%2e/../x', -1, 1.5, null])(
    'refuses %j with a message naming the field, before anything is sent',
    (id) => {
      expect(() => path`batches/${{ batchId: id }}/files`).toThrow(RequestValidationError);
      expect(() => path`batches/${{ batchId: id }}/files`).toThrow(/- batchId: must/);
    },
  );
});
