import { describe, expect, it, vi } from 'vitest';
import { redact } from '../src/internal/http/log.js';
import { JOBS_URL, TOKEN, json, jobBody, makeClient, respond, useMsw } from './helpers/msw.js';

useMsw();

describe('logging', () => {
  it('writes one debug line per attempt with method, path, status, attempt and delay', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0);
    respond('get', `${JOBS_URL}/100`, json({}, 503), json(jobBody()));
    const debug = vi.fn();
    await makeClient({ logger: { debug } }).getExportJob(100);
    expect(debug.mock.calls).toEqual([
      [
        'GET /export/jobs/100 -> 503 (attempt 1, retrying in 0 ms)',
        { method: 'GET', path: '/export/jobs/100', status: 503, attempt: 1, delay: 0 },
      ],
      ['GET /export/jobs/100 -> ok (attempt 2)', { method: 'GET', path: '/export/jobs/100', status: 'ok', attempt: 2 }],
    ]);
  });

  it('logs the query string of a list and the final failure', async () => {
    respond('get', JOBS_URL, json({ error_code: '403003', message: 'Api Key is invalid' }, 403));
    const debug = vi.fn();
    await expect(makeClient({ logger: { debug } }).listExportJobs({ limit: 5 })).rejects.toThrow();
    expect(debug).toHaveBeenCalledExactlyOnceWith(
      'GET /export/jobs?limit=5 -> 403 (attempt 1)',
      expect.objectContaining({ status: 403 }),
    );
  });

  it('never writes the token, even when it turns up in what is logged', async () => {
    respond('get', `${JOBS_URL}/:id`, json(jobBody()));
    const lines: string[] = [];
    const client = makeClient({ logger: { debug: (message, fields) => lines.push(message + JSON.stringify(fields)) } });
    await client.getExportJob(TOKEN.replace(/[^a-zA-Z0-9]/g, ''));
    await client.getExportJob(TOKEN);
    expect(lines).toHaveLength(2);
    for (const line of lines) expect(line).not.toContain(TOKEN);
    expect(lines[1]).toContain('[REDACTED]');
  });
});

describe('redact', () => {
  it('masks bearer tokens and known secrets but leaves short strings alone', () => {
    expect(redact('Authorization: Bearer abc.def-ghi, next', [])).toBe('Authorization: Bearer [REDACTED], next');
    expect(redact('secret=s3cr3t-value&x=1', ['s3cr3t-value'])).toBe('secret=[REDACTED]&x=1');
    expect(redact('a GET request', ['GET'])).toBe('a GET request');
  });

  const secret = 'p8e-S3cr/t+=&"\\ ü~!x';
  it.each([
    ['as is', secret],
    ['JSON-escaped', JSON.stringify(secret)],
    ['JSON inside a JSON string', JSON.stringify(JSON.stringify({ secret }))],
    ['JSON with \\/ and \\u escapes', JSON.stringify(secret).replace(/\//g, '\\/').replace(/ü/g, '\\u00FC')],
    ['percent-encoded', encodeURIComponent(secret)],
    ['lower-case hex', encodeURIComponent(secret).replace(/%[0-9A-F]{2}/g, (hex) => hex.toLowerCase())],
    ['percent-encoded twice', encodeURIComponent(encodeURIComponent(secret))],
    ['form-encoded', new URLSearchParams({ secret }).toString()],
    ['as HTML character references', secret.replace(/[&"<>]/g, (char) => `&#${char.charCodeAt(0)};`)],
    ['as named HTML entities', secret.replace(/&/g, '&amp;').replace(/"/g, '&quot;')],
  ])('finds a secret %s', (_how, text) => {
    const masked = redact(`before ${text} after`, [secret]);
    expect(masked).toContain('[REDACTED]');
    expect(masked).not.toContain('S3cr');
  });

  it('masks a JWT-like token in a 16 MiB text quickly (letters, digits and ._- are plain)', () => {
    const token = `eyJhbGciOiJSUzI1NiJ9.${'a'.repeat(1_500)}.sig`;
    const text = `${'lorem ipsum '.repeat(1_400_000)}${token}`;
    const started = performance.now();
    expect(redact(text, [token, secret]).endsWith('[REDACTED]')).toBe(true);
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});
