import { inspect } from 'node:util';
import { delay, http, HttpResponse } from 'msw';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  AuthenticationError,
  ConfigurationError,
  ExportJobsClient,
  OAuthTokenProvider,
  ResponseValidationError,
  TokenRequestError,
} from '../src/index.js';
import { BASE_URL, JOBS_URL, jobBody, server, useMsw, validRequest } from './helpers/msw.js';

useMsw();
afterEach(() => {
  vi.useRealTimers();
});

const IMS_URL = 'https://ims.test/ims/token/v3';
const SECRET = 'p8e-SUPER-secret-client-secret-value';
const credentials = { clientId: 'my-client-id', clientSecret: SECRET, imsUrl: IMS_URL };

interface Ims {
  requests: URLSearchParams[];
  contentTypes: Array<string | null>;
}

/** A fake IMS issuing token-1, token-2... valid for `lifetime` seconds; `fail` answers instead while it returns a response. */
function fakeIms(lifetime = 86_399, fail?: (attempt: number) => Response | undefined): Ims {
  const ims: Ims = { requests: [], contentTypes: [] };
  server.use(
    http.post(IMS_URL, async ({ request }) => {
      ims.contentTypes.push(request.headers.get('content-type'));
      ims.requests.push(new URLSearchParams(await request.text()));
      const failure = fail?.(ims.requests.length);
      if (failure) return failure;
      return HttpResponse.json({
        access_token: `token-${ims.requests.length}`,
        token_type: 'bearer',
        expires_in: lifetime,
      });
    }),
  );
  return ims;
}

/** The export jobs API accepting only the tokens `valid` allows; records the tokens it saw. */
function fakeApi(valid: (token: string) => boolean = () => true): { tokens: string[]; apiKeys: Array<string | null> } {
  const seen = { tokens: [] as string[], apiKeys: [] as Array<string | null> };
  const handler = ({ request }: { request: Request }) => {
    const token = request.headers.get('authorization')?.replace(/^Bearer /, '') ?? '';
    seen.tokens.push(token);
    seen.apiKeys.push(request.headers.get('x-api-key'));
    if (!valid(token))
      return HttpResponse.json({ error_code: '401013', message: 'Oauth token is not valid' }, { status: 401 });
    return HttpResponse.json(jobBody());
  };
  server.use(http.get(`${JOBS_URL}/:id`, handler), http.post(JOBS_URL, handler));
  return seen;
}

const client = (extra: Record<string, unknown> = {}) =>
  new ExportJobsClient({ credentials, orgId: 'ORG@AdobeOrg', sandboxName: 'dev', baseUrl: BASE_URL, ...extra });

describe('OAuth Server-to-Server credentials', () => {
  it('posts the client credentials form to IMS and sends the token it gets', async () => {
    const ims = fakeIms();
    const api = fakeApi();
    await client().getExportJob(1);
    expect(ims.contentTypes[0]).toMatch(/^application\/x-www-form-urlencoded/);
    expect(Object.fromEntries(ims.requests[0]!)).toEqual({
      grant_type: 'client_credentials',
      client_id: 'my-client-id',
      client_secret: SECRET,
      scope: 'openid,session,AdobeID,read_organizations,additional_info.projectedProductContext',
    });
    expect(api.tokens).toEqual(['token-1']);
  });

  it('uses the client id as the API key unless one is given', async () => {
    fakeIms();
    const api = fakeApi();
    await client().getExportJob(1);
    await client({ apiKey: 'other-key' }).getExportJob(1);
    expect(api.apiKeys).toEqual(['my-client-id', 'other-key']);
  });

  it('sends custom scopes comma-separated', async () => {
    const ims = fakeIms();
    fakeApi();
    await client({ credentials: { ...credentials, scopes: ['openid', 'AdobeID'] } }).getExportJob(1);
    expect(ims.requests[0]!.get('scope')).toBe('openid,AdobeID');
  });

  it('makes one token request for 50 concurrent calls', async () => {
    const ims = fakeIms();
    const api = fakeApi();
    const shared = client();
    await Promise.all(Array.from({ length: 50 }, (_, index) => shared.getExportJob(index + 1)));
    expect(ims.requests).toHaveLength(1);
    expect(new Set(api.tokens)).toEqual(new Set(['token-1']));
  });

  it('reuses the token until shortly before it expires, then renews it', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: Date.parse('2026-11-22T00:00:00Z') });
    const ims = fakeIms(3_600);
    const api = fakeApi();
    const shared = client();
    await shared.getExportJob(1);
    vi.setSystemTime(Date.parse('2026-11-22T00:54:59Z'));
    await shared.getExportJob(1);
    expect(ims.requests).toHaveLength(1);
    vi.setSystemTime(Date.parse('2026-11-22T00:55:00Z'));
    await shared.getExportJob(1);
    expect(ims.requests).toHaveLength(2);
    expect(api.tokens).toEqual(['token-1', 'token-1', 'token-2']);
  });

  it('renews a short-lived token a tenth of its lifetime before expiry', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: 0 });
    const ims = fakeIms(60);
    const provider = new OAuthTokenProvider(credentials);
    expect(await provider.getToken()).toBe('token-1');
    vi.setSystemTime(53_999);
    expect(await provider.getToken()).toBe('token-1');
    vi.setSystemTime(54_000);
    expect(await provider.getToken()).toBe('token-2');
    expect(ims.requests).toHaveLength(2);
  });

  it('renews the token and replays the request once after a 401', async () => {
    const ims = fakeIms();
    const api = fakeApi((token) => token !== 'token-1');
    await expect(client().getExportJob(1)).resolves.toMatchObject({ id: 100 });
    expect(api.tokens).toEqual(['token-1', 'token-2']);
    expect(ims.requests).toHaveLength(2);
  });

  it('replays a create after a 401 too, since the API did not act on it', async () => {
    fakeIms();
    const api = fakeApi((token) => token !== 'token-1');
    await expect(client().createExportJob(validRequest)).resolves.toMatchObject({ id: 100 });
    expect(api.tokens).toEqual(['token-1', 'token-2']);
  });

  it('gives AuthenticationError when the renewed token is refused as well', async () => {
    const ims = fakeIms();
    const api = fakeApi(() => false);
    const error = await client()
      .getExportJob(1)
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error).toMatchObject({ status: 401, code: '401013' });
    expect(api.tokens).toEqual(['token-1', 'token-2']);
    expect(ims.requests).toHaveLength(2);
  });

  it('shares one token cache between a client and its withOptions copies', async () => {
    const ims = fakeIms();
    fakeApi();
    const original = client();
    await original.getExportJob(1);
    await original.withOptions({ sandboxName: 'prod', timeout: 5_000 }).getExportJob(1);
    expect(ims.requests).toHaveLength(1);
  });

  it('lets withOptions switch from credentials to a static token', async () => {
    fakeIms();
    const api = fakeApi();
    await client().withOptions({ accessToken: 'static-token', apiKey: 'k' }).getExportJob(1);
    expect(api.tokens).toEqual(['static-token']);
  });

  it('lists the request ids of the attempts before and after a 401 replay', async () => {
    fakeIms();
    fakeApi(() => false);
    const error = (await client()
      .getExportJob(1)
      .catch((caught: unknown) => caught)) as AuthenticationError;
    expect(error.requestIds).toHaveLength(2);
  });

  it('does not replay a 401 for a static token, which cannot be renewed', async () => {
    const api = fakeApi(() => false);
    await expect(
      new ExportJobsClient({
        accessToken: 'static',
        apiKey: 'k',
        orgId: 'o',
        sandboxName: 's',
        baseUrl: BASE_URL,
      }).getExportJob(1),
    ).rejects.toBeInstanceOf(AuthenticationError);
    expect(api.tokens).toEqual(['static']);
  });

  it.each([
    [
      400,
      { error: 'invalid_scope', error_description: 'Invalid scope: unknown_scope' },
      'invalid_scope',
      'Invalid scope: unknown_scope',
    ],
    [
      401,
      { error: 'invalid_client', error_description: 'invalid client_id parameter' },
      'invalid_client',
      'invalid client_id parameter',
    ],
  ])('maps an IMS %i to TokenRequestError with its error and description', async (status, body, code, description) => {
    const ims = fakeIms(86_399, () => HttpResponse.json(body, { status }));
    const error = await new OAuthTokenProvider(credentials).getToken().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TokenRequestError);
    expect(error).toMatchObject({ status, code });
    expect((error as Error).message).toContain(description);
    expect((error as Error).message).toMatch(/^IMS token request failed/);
    expect(ims.requests).toHaveLength(1);
  });

  it('retries IMS 5xx and dropped connections like a GET, then succeeds', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0);
    const ims = fakeIms(86_399, (attempt) =>
      attempt === 1 ? HttpResponse.json({}, { status: 503 }) : attempt === 2 ? HttpResponse.error() : undefined,
    );
    await expect(new OAuthTokenProvider(credentials).getToken()).resolves.toBe('token-3');
    expect(ims.requests).toHaveLength(3);
  });

  it('gives TokenRequestError for an IMS 5xx that persists', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0);
    const ims = fakeIms(86_399, () =>
      HttpResponse.json({ error: 'server_error', error_description: 'try later' }, { status: 500 }),
    );
    await expect(new OAuthTokenProvider(credentials).getToken()).rejects.toMatchObject({
      name: 'TokenRequestError',
      status: 500,
      code: 'server_error',
    });
    expect(ims.requests).toHaveLength(3);
  });

  it('refuses an IMS answer without a token, without echoing the body', async () => {
    fakeIms(86_399, () => HttpResponse.json({ token_type: 'bearer' }));
    const error = await new OAuthTokenProvider(credentials).getToken().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ResponseValidationError);
    expect((error as ResponseValidationError).body).toBe('[withheld]');
  });

  it('refuses both accessToken and credentials, and credentials without a secret', () => {
    expect(() => client({ accessToken: 'x' })).toThrow(ConfigurationError);
    expect(() => client({ credentials: { clientId: 'id', clientSecret: '' } })).toThrow(/credentials\.clientSecret/);
  });

  it('never shows the client secret or a token in errors, logs, JSON or inspection', async () => {
    fakeIms(86_399, () =>
      HttpResponse.json(
        { error: 'invalid_client', error_description: 'invalid client_secret parameter' },
        { status: 401 },
      ),
    );
    const lines: string[] = [];
    const logger = {
      debug: (message: string, fields?: Record<string, unknown>) => lines.push(`${message} ${JSON.stringify(fields)}`),
    };
    const failing = client({ logger });
    const error = await failing.getExportJob(1).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TokenRequestError);

    fakeIms();
    fakeApi((token) => token !== 'token-1');
    const working = client({ logger });
    await working.getExportJob(1);
    const provider = new OAuthTokenProvider(credentials);
    await provider.getToken();

    const views = [
      String(error),
      (error as Error).stack ?? '',
      JSON.stringify(error),
      inspect(error, { depth: 20, showHidden: true }),
      inspect(failing, { depth: 20, showHidden: true }),
      JSON.stringify(provider),
      inspect(provider, { depth: 20, showHidden: true }),
      ...lines,
    ];
    for (const view of views) {
      expect(view).not.toContain(SECRET);
      expect(view).not.toMatch(/token-\d/);
    }
    expect(lines.length).toBeGreaterThan(3);
  });

  describe('abort', () => {
    /** An IMS that answers only when `release` is called. */
    function stalledIms(): { requests: () => number; release: () => void } {
      let count = 0;
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      server.use(
        http.post(IMS_URL, async () => {
          count++;
          await Promise.race([released, delay('infinite')]);
          return HttpResponse.json({ access_token: `token-${count}`, token_type: 'bearer', expires_in: 86_399 });
        }),
      );
      return { requests: () => count, release };
    }

    it('getToken({ signal }) rejects with the reason at the abort', async () => {
      const ims = stalledIms();
      const controller = new AbortController();
      const reason = new Error('stop');
      const pending = new OAuthTokenProvider(credentials).getToken({ signal: controller.signal });
      setTimeout(() => controller.abort(reason), 20);
      await expect(pending).rejects.toBe(reason);
      expect(ims.requests()).toBe(1);
    });

    it('rejects at once, asking nothing, when the signal is already aborted', async () => {
      const ims = stalledIms();
      const signal = AbortSignal.abort(new Error('already'));
      await expect(new OAuthTokenProvider(credentials).getToken({ signal })).rejects.toThrow('already');
      expect(ims.requests()).toBe(0);
    });

    it("one caller's abort leaves the shared request to the others", async () => {
      const ims = stalledIms();
      const provider = new OAuthTokenProvider(credentials);
      const controller = new AbortController();
      const leaving = provider.getToken({ signal: controller.signal });
      const staying = provider.getToken({ signal: new AbortController().signal });
      const plain = provider.getToken();
      controller.abort(new Error('leaving'));
      await expect(leaving).rejects.toThrow('leaving');
      ims.release();
      await expect(staying).resolves.toBe('token-1');
      await expect(plain).resolves.toBe('token-1');
      expect(ims.requests()).toBe(1);
    });

    it('once every caller has aborted, the request is dropped and the next call asks afresh', async () => {
      const ims = stalledIms();
      const provider = new OAuthTokenProvider(credentials);
      const controller = new AbortController();
      const both = [provider.getToken({ signal: controller.signal }), provider.getToken({ signal: controller.signal })];
      await until(() => ims.requests() === 1);
      controller.abort(new Error('all gone'));
      for (const pending of both) await expect(pending).rejects.toThrow('all gone');
      ims.release();
      await expect(provider.getToken()).resolves.toBe('token-2');
      expect(ims.requests()).toBe(2);
    });

    it("the client hands the call's signal to the token provider", async () => {
      fakeApi();
      const signals: Array<AbortSignal | undefined> = [];
      const provider = {
        getToken: (options?: { signal?: AbortSignal | undefined }) => {
          signals.push(options?.signal);
          return Promise.resolve('provided-token');
        },
      };
      const controller = new AbortController();
      const options = { accessToken: provider, apiKey: 'k', orgId: 'o', sandboxName: 's', baseUrl: BASE_URL };
      const withProvider = new ExportJobsClient(options);
      await withProvider.getExportJob(1, { signal: controller.signal });
      expect(signals).toEqual([controller.signal]);
    });
  });

  it('refuses an IMS token that cannot be sent in a header, without echoing it', async () => {
    fakeIms(86_399, () => HttpResponse.json({ access_token: 'token-x\nX-Injected: 1', expires_in: 60 }));
    const error = await new OAuthTokenProvider(credentials).getToken().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ResponseValidationError);
    expect(JSON.stringify(error)).not.toContain('Injected');
  });

  it('bounds what it reads from IMS (maxResponseBytes, default 1 MiB)', async () => {
    fakeIms(86_399, () => HttpResponse.json({ error: 'x', error_description: 'y'.repeat(2_000) }, { status: 400 }));
    const provider = new OAuthTokenProvider({ ...credentials, maxResponseBytes: 1_000 });
    await expect(provider.getToken()).rejects.toMatchObject({ name: 'ResponseTooLargeError', limit: 1_000 });
  });
});

async function until(condition: () => boolean): Promise<void> {
  for (let turn = 0; turn < 10_000 && !condition(); turn++) await new Promise((resolve) => setImmediate(resolve));
  expect(condition()).toBe(true);
}
