// Benchmark 1: one `getExportJob` round trip against a loopback server, vs a raw `fetch` with the
// same headers and no validation. Two intermediate variants split the overhead between ky and zod:
// a bare ky instance configured as the SDK's (text + JSON.parse), and that plus ExportJobSchema.
// Every variant runs once per turn in a rotating order, so all see the same conditions; each
// figure is a median of per-call latencies.
//
// A second table runs the same four variants with an in-process stub `fetch` that answers at once
// (no socket, no server): the client-side CPU each layer adds per call, without network noise.
import ky from 'ky';
import { ExportJobSchema, ExportJobsClient } from '../dist/index.js';
import { job } from './fixtures.mjs';
import { clientOptions, median, ms, quantile, RAW_HEADERS, ratio, report, startServer } from './lib.ts';

const CALLS = Number(process.env.CALLS ?? 3000);
const WARMUP = 500;
const GOAL = 1.1;

const server = await startServer();

type Fetch = (input: Request | URL | string, init?: RequestInit) => Promise<Response>;

function variantsOver(
  fetchImpl: Fetch,
  baseUrl: string,
  label: string,
): Array<{ name: string; call: () => Promise<unknown> }> {
  const url = `${baseUrl}/export/jobs/4242`;
  const client = new ExportJobsClient({ ...clientOptions(baseUrl), fetch: fetchImpl });
  const kyClient = ky.create({ prefix: baseUrl, retry: 0, redirect: 'manual', timeout: 60_000, fetch: fetchImpl });
  return [
    {
      name: `${label} + response.json()`,
      call: async () => (await fetchImpl(url, { headers: RAW_HEADERS })).json() as Promise<unknown>,
    },
    {
      name: 'ky (SDK settings), text + JSON.parse',
      call: async () => JSON.parse(await kyClient('export/jobs/4242', { headers: RAW_HEADERS }).text()) as unknown,
    },
    {
      name: 'ky + ExportJobSchema.parse',
      call: async () =>
        ExportJobSchema.parse(JSON.parse(await kyClient('export/jobs/4242', { headers: RAW_HEADERS }).text())),
    },
    { name: 'client.getExportJob', call: () => client.getExportJob(4242) },
  ];
}

async function measure(variants: Array<{ call: () => Promise<unknown> }>, calls: number): Promise<number[][]> {
  for (let i = 0; i < WARMUP; i++) for (const variant of variants) await variant.call();
  const samples: number[][] = variants.map(() => []);
  for (let turn = 0; turn < calls; turn++) {
    for (let k = 0; k < variants.length; k++) {
      const index = (turn + k) % variants.length;
      const started = performance.now();
      await variants[index]!.call();
      samples[index]!.push(performance.now() - started);
    }
  }
  return samples;
}

const network = variantsOver(globalThis.fetch, server.baseUrl, 'raw fetch');
const networkSamples = await measure(network, CALLS);
server.stop();

// The same layers over a stub fetch: a Response built in-process, no I/O.
const body = JSON.stringify(job(4242));
const stubFetch: Fetch = () =>
  Promise.resolve(new Response(body, { status: 200, headers: { 'content-type': 'application/json' } }));
const stub = variantsOver(stubFetch, 'http://127.0.0.1:9/data/core/ups', 'stub fetch');
const stubSamples = await measure(stub, CALLS * 2);

const rows = (variants: Array<{ name: string }>, samples: number[][], extra: (index: number) => string) =>
  variants.map((variant, index) => [
    variant.name,
    ms(median(samples[index]!)),
    ms(quantile(samples[index]!, 0.1)),
    ms(quantile(samples[index]!, 0.9)),
    ratio(median(samples[index]!) / median(samples[0]!)),
    extra(index),
  ]);
const added = (samples: number[][], index: number) =>
  index === 0 ? '' : `+${ms(median(samples[index]!) - median(samples[index - 1]!))}`;
const value = median(networkSamples.at(-1)!) / median(networkSamples[0]!);
report({
  id: 'get-job',
  title: '1. getExportJob round trip (loopback)',
  method:
    `${CALLS.toLocaleString('en')} calls of each variant after ${WARMUP} warm-up calls, interleaved in rotating order over one keep-alive connection pool; per-call latency medians. ` +
    `Below the line, the same variants over a stub fetch that answers in-process (${(CALLS * 2).toLocaleString('en')} calls each): the CPU each layer adds, with no I/O.`,
  head: ['variant', 'median', 'p10', 'p90', 'vs first', 'added by the layer'],
  rows: [
    ...rows(network, networkSamples, (index) => added(networkSamples, index)),
    ['stub fetch, no I/O:', '', '', '', '', ''],
    ...rows(stub, stubSamples, (index) => added(stubSamples, index)),
  ],
  figures: [
    {
      name: 'getExportJob / raw fetch (median latency)',
      value: ratio(value),
      goal: `<= ${ratio(GOAL)}`,
      pass: value <= GOAL,
    },
  ],
  notes: [],
});
