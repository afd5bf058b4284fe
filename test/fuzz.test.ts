/**
 * Property tests (fast-check) of the SDK's parsers and request validation:
 *
 * - any 200 body (arbitrary JSON, arbitrary values, arbitrary text, and structural mutations of
 *   Adobe's published examples) read through the client's own parse path either parses or throws
 *   `ResponseValidationError`, never a TypeError or anything else;
 * - well-formed, already-normalised jobs parse to themselves;
 * - any create request (valid, mutated, or not a request at all) either validates, to a form that
 *   validates to itself, or throws `RequestValidationError` with a path and a message per issue.
 *
 * Seeds are not fixed: on failure fast-check prints the seed and the shrunk counterexample
 * (re-run one with `fc.assert(..., { seed, path })`).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { inspect } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ApiError,
  CancelExportJobResultSchema,
  ExportJobListSchema,
  ExportJobSchema,
  ExportJobsClient,
  RequestValidationError,
  ResponseValidationError,
  validateCreateExportJobRequest,
} from '../src/index.js';

/** Runs per property; `FUZZ_RUNS=5000 npm test -- test/fuzz.test.ts` for a deeper search. */
const RUNS = Number(process.env.FUZZ_RUNS) || 300;
const ASYNC_RUNS = Number(process.env.FUZZ_RUNS) || 200;

// ---------------------------------------------------------------------------------------------
// Adobe's examples

type Kind = 'job' | 'list' | 'createRequest' | 'cancel' | 'destination' | 'other';
interface Fixture {
  name: string;
  kind: Kind;
  input: unknown;
}

const FIXTURES = join(import.meta.dirname, 'fixtures');

function* fixtureFiles(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* fixtureFiles(path);
    else if (entry.name.endsWith('.json') && !entry.name.endsWith('.expected.json')) yield path;
  }
}

const fixtures: Fixture[] = [...fixtureFiles(FIXTURES)].sort().map((path) => ({
  name: relative(FIXTURES, path),
  kind: (JSON.parse(readFileSync(path.replace(/\.json$/, '.expected.json'), 'utf8')) as { kind: Kind }).kind,
  input: JSON.parse(readFileSync(path, 'utf8')) as unknown,
}));
const ofKind = (kind: Kind) => fixtures.filter((fixture) => fixture.kind === kind).map((fixture) => fixture.input);

/** A complete job from an example, to host the destination fragments. */
const hostJob = ofKind('job')[0] as Record<string, unknown>;
const jobExamples = [
  ...ofKind('job'),
  ...ofKind('destination').map((fragment) => ({ ...hostJob, ...(fragment as object) })),
];
const listExamples = ofKind('list');
const cancelExamples = ofKind('cancel');
const requestExamples = ofKind('createRequest');

// ---------------------------------------------------------------------------------------------
// Structural mutations

type Path = Array<string | number>;
const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Every path in a JSON value, the root (`[]`) first. A mutation can share an object under its own
 * descendant, so the walk stops at values already on its path and at a depth no example reaches.
 */
function pathsOf(value: unknown, prefix: Path = [], out: Path[] = [], ancestors = new Set<unknown>()): Path[] {
  out.push(prefix);
  if (typeof value !== 'object' || value === null || ancestors.has(value) || prefix.length > 32) return out;
  ancestors.add(value);
  if (Array.isArray(value)) value.forEach((item, index) => pathsOf(item, [...prefix, index], out, ancestors));
  else if (isRecord(value))
    for (const [key, item] of Object.entries(value)) pathsOf(item, [...prefix, key], out, ancestors);
  ancestors.delete(value);
  return out;
}

/** Sets an own property, as JSON.parse does (so a `__proto__` key stays a key). */
function setOwn(target: Record<string, unknown> | unknown[], key: string | number, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

const MUTATIONS = [
  'drop',
  'toNumber',
  'toString',
  'toNull',
  'toBoolean',
  'wrapInArray',
  'unwrap',
  'empty',
  'replace',
  'insertKey',
  'extreme',
] as const;
type MutationKind = (typeof MUTATIONS)[number];
interface Mutation {
  kind: MutationKind;
  /** Which path, modulo the number of paths. */
  at: number;
  key: string;
  value: unknown;
  extreme: unknown;
}

const TRICKY_KEYS = [
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
  '',
  'dataSetId',
  'datasetId',
  'segmentPerBatch',
  'batches',
  'status',
  'id',
  'records',
  'link',
  'next',
  'errors',
  'then',
];
const EXTREMES = [
  0,
  -1,
  0.5,
  -0,
  1e308,
  -1e308,
  Number.MAX_SAFE_INTEGER + 2,
  '',
  ' ',
  '0',
  '-1',
  '1e3',
  'NaN',
  'null',
  '{}',
  [],
  {},
  [[]],
  true,
  false,
  null,
];

const mutationArb: fc.Arbitrary<Mutation> = fc.record({
  kind: fc.constantFrom(...MUTATIONS),
  at: fc.nat(),
  key: fc.oneof(fc.constantFrom(...TRICKY_KEYS), fc.string({ maxLength: 10 })),
  value: fc.jsonValue({ maxDepth: 3 }),
  extreme: fc.constantFrom(...EXTREMES),
});

/** The new value for one mutation of `value`. */
function mutateValue(value: unknown, mutation: Mutation): unknown {
  switch (mutation.kind) {
    case 'toNumber':
      return typeof value === 'string'
        ? Number.isFinite(Number(value))
          ? Number(value)
          : value.length
        : typeof value === 'number'
          ? value + 1
          : 42;
    case 'toString':
      return typeof value === 'string' ? `${value}x` : (JSON.stringify(value) ?? 'undefined');
    case 'toNull':
      return null;
    case 'toBoolean':
      return !value;
    case 'wrapInArray':
      return [value];
    case 'unwrap':
      return Array.isArray(value) ? (value[0] ?? null) : isRecord(value) ? (Object.values(value)[0] ?? null) : value;
    case 'empty':
      return Array.isArray(value) ? [] : isRecord(value) ? {} : typeof value === 'string' ? '' : 0;
    case 'replace':
      return mutation.value;
    case 'extreme':
      return mutation.extreme;
    case 'insertKey': {
      if (!isRecord(value)) return value;
      const copy = { ...value };
      setOwn(copy, mutation.key, mutation.value);
      return copy;
    }
    case 'drop':
      return value;
  }
}

/** Applies mutations in turn to a deep copy of a JSON value. `undefined` when the root itself was dropped. */
function applyMutations(original: unknown, mutations: readonly Mutation[]): unknown {
  let root = structuredClone(original);
  for (const mutation of mutations) {
    if (root === undefined) return undefined;
    const paths = pathsOf(root);
    const path = paths[mutation.at % paths.length]!;
    if (path.length === 0) {
      root = mutation.kind === 'drop' ? undefined : mutateValue(root, mutation);
      continue;
    }
    let parent: unknown = root;
    for (const step of path.slice(0, -1)) parent = (parent as Record<string | number, unknown>)[step];
    const last = path.at(-1)!;
    const container = parent as Record<string, unknown> | unknown[];
    if (mutation.kind === 'drop') {
      if (Array.isArray(container)) container.splice(last as number, 1);
      else delete container[last as string];
    } else {
      setOwn(container, last, mutateValue((container as Record<string | number, unknown>)[last], mutation));
    }
  }
  return root;
}

const mutationsArb = fc.array(mutationArb, { minLength: 1, maxLength: 4 });
/** One of `examples`, mutated. */
const mutatedFrom = (examples: readonly unknown[]) =>
  fc
    .tuple(fc.constantFrom(...examples), mutationsArb)
    .map(([example, mutations]) => applyMutations(example, mutations));

// ---------------------------------------------------------------------------------------------
// The client's parse path

type Operation = 'get' | 'list' | 'cancel';
const OPERATIONS: Operation[] = ['get', 'list', 'cancel'];

/** A client whose every response is `body` with this status and headers, so the real transport and parse path run. */
function clientAnswering(
  body: string,
  status = 200,
  headers: Record<string, string> = { 'content-type': 'application/json' },
): ExportJobsClient {
  return new ExportJobsClient({
    accessToken: 'fuzz-access-token',
    apiKey: 'fuzz-client-id',
    orgId: '1BD6382559DF0C130A49422D@AdobeOrg',
    sandboxName: 'dev',
    baseUrl: 'https://platform.test/data/core/ups',
    maxRetries: 0,
    fetch: () => Promise.resolve(new Response(body, { status, headers })),
  });
}

function call(client: ExportJobsClient, operation: Operation): Promise<unknown> {
  if (operation === 'get') return client.getExportJob(100);
  if (operation === 'list') return client.listExportJobs({ limit: 2 });
  return client.cancelExportJob(100);
}

/** The body text for a generated value: its JSON, or empty when it has none (`undefined`, a function). */
const bodyOf = (value: unknown): string => {
  try {
    return JSON.stringify(value) ?? '';
  } catch {
    // BigInt, cycles: send something that is not JSON at all.
    return Object.prototype.toString.call(value);
  }
};

/**
 * Sends `body` through the operation; asserts the outcome is a parsed value or a
 * `ResponseValidationError` carrying that body and status 200. Returns the parsed value, if any.
 */
async function expectParsedOrValidationError(
  operation: Operation,
  body: string,
): Promise<{ ok: true; value: unknown } | { ok: false }> {
  const outcome = await call(clientAnswering(body), operation).then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
  if (outcome.ok) return outcome;
  const { error } = outcome;
  if (!(error instanceof ResponseValidationError)) {
    throw new Error(
      `${operation} threw ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)} for body ${body.slice(0, 500)}`,
      { cause: error },
    );
  }
  expect(error.status).toBe(200);
  expect(error.body).toBe(body);
  expect(error.message.length).toBeGreaterThan(0);
  return { ok: false };
}

const operationArb = fc.constantFrom(...OPERATIONS);

describe('response parsing through the client throws nothing but ResponseValidationError', () => {
  it('for arbitrary JSON bodies (fc.jsonValue) on get, list and cancel', async () => {
    await fc.assert(
      fc.asyncProperty(operationArb, fc.jsonValue(), async (operation, value) => {
        await expectParsedOrValidationError(operation, bodyOf(value));
      }),
      { numRuns: ASYNC_RUNS },
    );
  });

  it('for arbitrary values serialised as the body (fc.anything)', async () => {
    await fc.assert(
      fc.asyncProperty(
        operationArb,
        fc.anything({
          withBigInt: true,
          withDate: true,
          withSparseArray: true,
          withNullPrototype: true,
          withBoxedValues: true,
        }),
        async (operation, value) => {
          await expectParsedOrValidationError(operation, bodyOf(value));
        },
      ),
      { numRuns: ASYNC_RUNS },
    );
  });

  it('for arbitrary text, and Adobe examples cut off part-way', async () => {
    const examples = [...jobExamples, ...listExamples, ...cancelExamples].map((example) => JSON.stringify(example));
    const truncated = fc
      .tuple(fc.constantFrom(...examples), fc.nat())
      .map(([text, cut]) => text.slice(0, cut % text.length));
    await fc.assert(
      fc.asyncProperty(
        operationArb,
        fc.oneof(fc.string(), fc.string({ unit: 'binary' }), truncated),
        async (operation, body) => {
          await expectParsedOrValidationError(operation, body);
        },
      ),
      { numRuns: ASYNC_RUNS },
    );
  });

  it.each([
    ["Adobe's job examples and destination fragments", 'get', () => jobExamples],
    ["Adobe's list examples", 'list', () => listExamples],
    ["Adobe's cancel examples", 'cancel', () => cancelExamples],
  ] as const)('for structural mutations of %s, read by %s', async (_, operation, examples) => {
    await fc.assert(
      fc.asyncProperty(mutatedFrom(examples()), async (value) => {
        await expectParsedOrValidationError(operation, bodyOf(value));
      }),
      { numRuns: ASYNC_RUNS },
    );
  });

  it('for any example of any kind, mutated, read by any operation', async () => {
    const all = fixtures.map((fixture) => fixture.input);
    await fc.assert(
      fc.asyncProperty(operationArb, mutatedFrom(all), async (operation, value) => {
        await expectParsedOrValidationError(operation, bodyOf(value));
      }),
      { numRuns: ASYNC_RUNS },
    );
  });
});

describe('lenient reading of mutated examples', () => {
  /** Object paths where any unknown key is allowed: everywhere but records of numbers. */
  const acceptsUnknownKeys = (path: Path) => !path.includes('exportedProfileByNamespaceCounter');
  const insertUnknownKeys = (example: unknown, inserts: Array<{ at: number; key: string; value: unknown }>) => {
    const copy = structuredClone(example);
    for (const insert of inserts) {
      const at = (path: Path): unknown =>
        path.reduce<unknown>((value, step) => (value as Record<string | number, unknown>)[step], copy);
      const objects = pathsOf(copy).filter((path) => acceptsUnknownKeys(path) && isRecord(at(path)));
      const target = at(objects[insert.at % objects.length]!) as Record<string, unknown>;
      setOwn(target, `x_unknown_${insert.key}`, insert.value);
    }
    return copy;
  };
  const insertsArb = fc.array(
    fc.record({ at: fc.nat(), key: fc.string({ maxLength: 8 }), value: fc.jsonValue({ maxDepth: 2 }) }),
    { minLength: 1, maxLength: 5 },
  );

  it("unknown keys added anywhere in Adobe's job and list examples never fail the parse, and are kept", async () => {
    await fc.assert(
      fc.asyncProperty(fc.boolean(), insertsArb, fc.nat(), async (isList, inserts, pick) => {
        const examples = isList ? listExamples : jobExamples;
        const body = bodyOf(insertUnknownKeys(examples[pick % examples.length], inserts));
        const outcome = await expectParsedOrValidationError(isList ? 'list' : 'get', body);
        expect(outcome.ok).toBe(true);
        if (outcome.ok) expect(bodyOf(outcome.value)).toContain('x_unknown_');
      }),
      { numRuns: ASYNC_RUNS },
    );
  });

  it('whatever parses is a fixed point: parsing the parsed job again gives it back unchanged', () => {
    fc.assert(
      fc.property(mutatedFrom(jobExamples), (job) => {
        const first = ExportJobSchema.safeParse(job);
        if (!first.success) return;
        expect(ExportJobSchema.parse(first.data)).toEqual(first.data);
      }),
      { numRuns: RUNS },
    );
  });

  it('whatever parses as a list or a cancel result is a fixed point too', () => {
    fc.assert(
      fc.property(fc.boolean(), mutatedFrom([...listExamples, ...cancelExamples]), (asList, value) => {
        const schema = asList ? ExportJobListSchema : CancelExportJobResultSchema;
        const first = schema.safeParse(value);
        if (!first.success) return;
        expect(schema.parse(first.data)).toEqual(first.data);
      }),
      { numRuns: RUNS },
    );
  });
});

describe('job ids', () => {
  const idArb = fc.oneof(
    fc.maxSafeNat(),
    fc.maxSafeNat().map(String),
    fc.bigInt({ min: 0n, max: 10n ** 30n }).map(String),
    fc.double(),
    fc.string({ maxLength: 6 }),
  );

  it('a job id that parses is a safe integer equal to the one sent, so get, cancel and waitForCompletion can send it back', () => {
    fc.assert(
      fc.property(idArb, (id) => {
        const parsed = ExportJobSchema.safeParse({
          id,
          status: 'NEW',
          destination: { datasetId: 'd' },
          creationTime: 1,
        });
        if (!parsed.success) return;
        // The client refuses ids that are not safe integers (jobIdSegment), so a parsed id that is
        // not one is a job the caller can never read again; a rounded one would be another job.
        expect(Number.isSafeInteger(parsed.data.id), `id ${JSON.stringify(id)} parsed to ${parsed.data.id}`).toBe(true);
        expect(String(parsed.data.id), `id ${JSON.stringify(id)} parsed to ${parsed.data.id}`).toBe(
          String(BigInt(String(id))),
        );
      }),
      { numRuns: RUNS },
    );
  });
});

describe('error responses through the client throw nothing but ApiError', () => {
  const errorStatus = fc.constantFrom(400, 401, 403, 404, 409, 418, 429, 500, 502, 503, 504);
  const errorBody = fc.oneof(
    fc.jsonValue().map(bodyOf),
    fc.string(),
    fc
      .record(
        { error_code: fc.oneof(fc.string(), fc.integer(), fc.jsonValue()), message: fc.jsonValue() },
        { requiredKeys: [] },
      )
      .map(bodyOf),
    fc
      .record(
        { errors: fc.jsonValue(), title: fc.jsonValue(), requestId: fc.jsonValue(), retryAfterMs: fc.jsonValue() },
        { requiredKeys: [] },
      )
      .map(bodyOf),
    fc
      .record(
        { type: fc.jsonValue(), title: fc.jsonValue(), detail: fc.jsonValue(), report: fc.jsonValue() },
        { requiredKeys: [] },
      )
      .map(bodyOf),
  );
  const contentType = fc.constantFrom('application/json', 'text/html', 'text/plain', 'application/problem+json');

  it('for any error status with any body, the call rejects with an ApiError of that status and a readable message', async () => {
    await fc.assert(
      fc.asyncProperty(
        operationArb,
        errorStatus,
        errorBody,
        contentType,
        fc.option(fc.oneof(fc.nat().map(String), fc.string())),
        async (operation, status, body, type, retryAfter) => {
          const client = clientAnswering(body, status, {
            'content-type': type,
            ...(retryAfter === null ? {} : { 'retry-after': retryAfter }),
          });
          const error = await call(client, operation).then(
            () => undefined,
            (caught: unknown) => caught,
          );
          if (!(error instanceof ApiError)) {
            throw new Error(
              `${operation} answered ${status} threw ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
              { cause: error },
            );
          }
          expect(error.status).toBe(status);
          expect(error.message).toMatch(new RegExp(`-> ${status}`));
          expect(error.message.length).toBeLessThan(2_000);
          expect(() => JSON.stringify(error)).not.toThrow();
          if (error.retryAfter !== undefined) expect(error.retryAfter).toBeGreaterThanOrEqual(0);
        },
      ),
      { numRuns: ASYNC_RUNS },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Well-formed, already-normalised jobs

/** Extra fields no schema knows (prefixed so they never collide with a known or renamed one). */
const extrasArb = fc.dictionary(
  fc.string({ maxLength: 8 }).map((key) => `x_${key}`),
  fc.jsonValue({ maxDepth: 2 }),
  { maxKeys: 2 },
);
const withExtras = <T extends object>(arb: fc.Arbitrary<T>): fc.Arbitrary<T> =>
  fc.tuple(extrasArb, arb).map(([extras, value]) => ({ ...extras, ...value }));
/** A record whose keys are all optional except `required`. */
const partial = <T extends Record<string, fc.Arbitrary<unknown>>>(model: T, required: Array<keyof T & string> = []) =>
  withExtras(fc.record(model, { requiredKeys: required }) as fc.Arbitrary<Record<string, unknown>>);

const finite = fc.double({ noNaN: true, noDefaultInfinity: true });
const segmentStatus = fc.oneof(fc.constantFrom('realized', 'existing', 'exited'), fc.string({ maxLength: 10 }));
const batchArb = partial({
  segmentId: fc.string(),
  segmentNs: fc.constantFrom('ups', 'AAM', 'AdCloud'),
  status: fc.array(segmentStatus, { maxLength: 3 }),
  batchId: fc.string(),
});
const singleBatchDestination = partial(
  {
    datasetId: fc.string(),
    segmentPerBatch: fc.constant(false),
    batchId: fc.string(),
    batches: fc.array(batchArb, { maxLength: 2 }),
  },
  ['datasetId', 'segmentPerBatch'],
);
const segmentPerBatchDestination = partial(
  {
    datasetId: fc.string(),
    segmentPerBatch: fc.constant(true),
    batches: fc.array(batchArb, { maxLength: 3 }),
    batchId: fc.string(),
  },
  ['datasetId', 'segmentPerBatch', 'batches'],
);
const timing = partial({ startTimeInMs: finite, endTimeInMs: finite, totalTimeInMs: finite });
const jobArb = partial(
  {
    id: fc.maxSafeNat(),
    status: fc.oneof(fc.constantFrom('NEW', 'PROCESSING', 'SUCCEEDED', 'FAILED'), fc.string({ maxLength: 12 })),
    jobType: fc.oneof(fc.constantFrom('BATCH', 'STREAMING'), fc.string({ maxLength: 12 })),
    destination: fc.oneof(singleBatchDestination, segmentPerBatchDestination),
    fields: fc.string(),
    schema: partial({ name: fc.string() }, ['name']),
    imsOrgId: fc.string(),
    filter: partial({
      segments: fc.array(
        partial(
          {
            segmentId: fc.string(),
            segmentNs: fc.string({ maxLength: 8 }),
            status: fc.array(segmentStatus, { maxLength: 3 }),
          },
          ['segmentId'],
        ),
        { maxLength: 3 },
      ),
      segmentQualificationTime: partial({ startTime: fc.string(), endTime: fc.string() }),
      fromIngestTimestamp: fc.string(),
      emptyProfiles: fc.boolean(),
    }),
    additionalFields: partial({
      eventList: partial({
        fields: fc.string(),
        filter: partial({ fromIngestTimestamp: fc.string(), toIngestTimestamp: fc.string() }),
      }),
    }),
    mergePolicy: partial({ id: fc.string(), version: finite }, ['id']),
    profileInstanceId: fc.string(),
    errors: fc.array(partial({ code: fc.string(), msg: fc.string(), callStack: fc.string() }), { maxLength: 3 }),
    metrics: partial({
      totalTime: timing,
      profileExportTime: timing,
      aCPDatasetWriteTime: timing,
      totalExportedProfileCounter: fc.nat(),
      exportedProfileByNamespaceCounter: fc.dictionary(
        fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('ups', 'ECID', 'email', 'constructor', 'toString')),
        fc.nat(),
        { maxKeys: 3 },
      ),
    }),
    computeGatewayJobId: partial({ exportJob: fc.string(), pushJob: fc.string() }),
    creationTime: finite,
    updateTime: finite,
    requestId: fc.string(),
  },
  ['id', 'status', 'destination', 'creationTime'],
);

describe('generated well-formed jobs', () => {
  it('parse to themselves: ExportJobSchema.parse(job) deep-equals job, in both destination branches', () => {
    fc.assert(
      fc.property(jobArb, (job) => {
        expect(ExportJobSchema.parse(job)).toEqual(job);
      }),
      { numRuns: RUNS },
    );
  });

  it('come back unchanged through the client, from get and as the records of a list page', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(jobArb, { minLength: 1, maxLength: 3 }),
        fc.oneof(fc.constant(''), fc.constant('/export/jobs/?limit=3&offset=1_1')),
        async (jobs, next) => {
          // JSON has no -0: what comes back is what the JSON round trip gives.
          const expected = JSON.parse(JSON.stringify(jobs)) as unknown[];
          await expect(clientAnswering(JSON.stringify(jobs[0])).getExportJob(100)).resolves.toEqual(expected[0]);
          const list = {
            records: jobs,
            page: { sortField: 'createdTime', sort: 'desc', pageSize: jobs.length },
            link: { next },
          };
          await expect(clientAnswering(JSON.stringify(list)).listExportJobs()).resolves.toEqual(
            JSON.parse(JSON.stringify(list)),
          );
        },
      ),
      { numRuns: ASYNC_RUNS },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Create requests

const text = fc.string({ minLength: 1, maxLength: 20 }).filter((value) => value.trim() !== '');
const rfc3339 = fc
  .tuple(
    fc.date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true }),
    fc.constantFrom('ms', 'Z', '-07:00', '+05:30'),
  )
  .map(([date, form]) => {
    const iso = date.toISOString();
    if (form === 'ms') return iso;
    if (form === 'Z') return iso.replace(/\.\d{3}Z$/, 'Z');
    return iso.replace(/Z$/, form);
  });
const fieldList = fc.oneof(fc.string(), fc.array(text, { minLength: 1, maxLength: 3 }));
const validRequestArb = fc.record(
  {
    fields: fieldList,
    mergePolicy: fc.record({ id: text, version: fc.integer({ min: 1, max: 1_000 }) }, { requiredKeys: ['id'] }),
    filter: fc.record(
      {
        segments: fc.array(
          fc.record(
            {
              segmentId: text,
              segmentNs: text,
              status: fc.oneof(segmentStatus, fc.array(segmentStatus, { maxLength: 3 })),
            },
            { requiredKeys: ['segmentId'] },
          ),
          { maxLength: 3 },
        ),
        segmentQualificationTime: fc.record({ startTime: rfc3339, endTime: rfc3339 }, { requiredKeys: [] }),
        fromIngestTimestamp: rfc3339,
        emptyProfiles: fc.boolean(),
      },
      { requiredKeys: [] },
    ),
    additionalFields: fc.record(
      {
        eventList: fc.record(
          {
            fields: fieldList,
            filter: fc.record({ fromIngestTimestamp: rfc3339, toIngestTimestamp: rfc3339 }, { requiredKeys: [] }),
          },
          { requiredKeys: [] },
        ),
      },
      { requiredKeys: [] },
    ),
    destination: fc.oneof(
      fc.record({ datasetId: text, segmentPerBatch: fc.boolean() }, { requiredKeys: ['datasetId'] }),
      fc.record({ dataSetId: text, segmentPerBatch: fc.boolean() }, { requiredKeys: ['dataSetId'] }),
    ),
    schema: fc.record({ name: text }),
    evaluationInfo: fc.record({ segmentation: fc.boolean() }, { requiredKeys: [] }),
  },
  { requiredKeys: ['destination', 'schema'] },
);

const anythingArb = fc.anything({
  withBigInt: true,
  withDate: true,
  withMap: true,
  withSet: true,
  withSparseArray: true,
  withNullPrototype: true,
  withBoxedValues: true,
  withTypedArray: true,
});
/** Each known key's value valid or anything at all, plus unknown keys. */
const mixedRequestArb = fc
  .tuple(
    fc.record(
      {
        fields: fc.oneof(fieldList, anythingArb),
        mergePolicy: fc.oneof(
          fc.record(
            { id: fc.oneof(text, anythingArb), version: fc.oneof(fc.integer(), finite, anythingArb) },
            { requiredKeys: [] },
          ),
          anythingArb,
        ),
        filter: fc.oneof(
          fc.record(
            {
              segments: fc.oneof(
                fc.array(fc.dictionary(fc.constantFrom('segmentId', 'segmentNs', 'status', 'x'), anythingArb)),
                anythingArb,
              ),
              fromIngestTimestamp: fc.oneof(rfc3339, fc.string()),
            },
            { requiredKeys: [] },
          ),
          anythingArb,
        ),
        destination: fc.oneof(
          fc.record(
            {
              datasetId: fc.oneof(text, anythingArb),
              dataSetId: fc.oneof(text, anythingArb),
              segmentPerBatch: anythingArb,
            },
            { requiredKeys: [] },
          ),
          anythingArb,
        ),
        schema: fc.oneof(
          fc.record({ name: fc.oneof(text, fc.constant('  '), anythingArb) }, { requiredKeys: [] }),
          anythingArb,
        ),
        evaluationInfo: anythingArb,
      },
      { requiredKeys: [] },
    ),
    fc.dictionary(fc.oneof(fc.constantFrom(...TRICKY_KEYS), fc.string({ maxLength: 8 })), anythingArb, { maxKeys: 2 }),
  )
  .map(([known, unknown]) => {
    const request: Record<string, unknown> = { ...known };
    for (const [key, value] of Object.entries(unknown)) setOwn(request, key, value);
    return request;
  });

/** Validates; asserts the only failure is a RequestValidationError with well-formed issues. */
function expectValidOrRequestValidationError(request: unknown): { ok: true; value: unknown } | { ok: false } {
  let value: unknown;
  try {
    value = validateCreateExportJobRequest(request);
  } catch (error) {
    if (!(error instanceof RequestValidationError)) {
      throw new Error(
        `validateCreateExportJobRequest threw ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
        { cause: error },
      );
    }
    const context = `${inspect(request, { depth: 6 })} -> ${JSON.stringify(error.issues)}`;
    expect(error.issues.length, context).toBeGreaterThan(0);
    for (const issue of error.issues) {
      expect(typeof issue.path, context).toBe('string');
      expect(typeof issue.message, context).toBe('string');
      expect(issue.message.trim(), context).not.toBe('');
      // Only a request that is not an object at all has a problem at the root. (A top-level key
      // named "" is reported with path "" too: see the explicit test below.)
      if (isRecord(request) && !Object.hasOwn(request, '')) expect(issue.path, context).not.toBe('');
    }
    return { ok: false };
  }
  return { ok: true, value };
}

describe('create request validation', () => {
  it('accepts every generated valid request, and its normalised form validates to itself', () => {
    fc.assert(
      fc.property(validRequestArb, (request) => {
        const outcome = expectValidOrRequestValidationError(request);
        expect(outcome.ok, JSON.stringify(request)).toBe(true);
        if (outcome.ok) expect(validateCreateExportJobRequest(outcome.value)).toEqual(outcome.value);
      }),
      { numRuns: RUNS },
    );
  });

  it('for valid and invalid mixes, passes or throws RequestValidationError whose issues each have a path and a message', () => {
    fc.assert(
      fc.property(mixedRequestArb, (request) => {
        const outcome = expectValidOrRequestValidationError(request);
        if (outcome.ok) expect(validateCreateExportJobRequest(outcome.value)).toEqual(outcome.value);
      }),
      { numRuns: RUNS },
    );
  });

  it("for structural mutations of Adobe's create request examples and of generated valid requests, the same holds", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          mutatedFrom(requestExamples),
          fc.tuple(validRequestArb, mutationsArb).map(([request, mutations]) => applyMutations(request, mutations)),
        ),
        (request) => {
          const outcome = expectValidOrRequestValidationError(request);
          if (outcome.ok) expect(validateCreateExportJobRequest(outcome.value)).toEqual(outcome.value);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('reports an unknown top-level key named "" with a path that is not the root\'s', () => {
    const error = (() => {
      try {
        validateCreateExportJobRequest({
          '': 1,
          destination: { datasetId: 'd' },
          schema: { name: '_xdm.context.profile' },
        });
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(RequestValidationError);
    const issues = (error as RequestValidationError).issues;
    expect(issues).toHaveLength(1);
    // Today the path is "", the root's, and the message reads "(root): is not a field of this request".
    expect(issues[0]!.path).not.toBe('');
    expect((error as RequestValidationError).message).not.toMatch(/\(root\)/);
  });

  it('for any value at all in place of a request (fc.anything), throws only RequestValidationError', () => {
    fc.assert(
      fc.property(anythingArb, (request) => {
        expectValidOrRequestValidationError(request);
      }),
      { numRuns: RUNS },
    );
  });
});
