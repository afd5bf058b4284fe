// CPU-profiles the SDK side of one benchmark's workload (the loopback server runs in a child
// process and is not in the profile), writes the .cpuprofile to the system temp directory (open it
// in Chrome DevTools or VS Code), and prints the top frames by self time and our own functions by
// inclusive time.
// Usage (after `npm run build`): node bench/profile.ts get-job|get-job-stub|parse|pagination|import [interval µs = 100]
// (get-job-stub: getExportJob over an in-process stub fetch, so only the client's own CPU shows.)
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// @ts-expect-error: a plain .mjs module without types
import { summarize } from './cpuprofile-top.mjs';
import { clientOptions, startServer } from './lib.ts';

const workload = process.argv[2];
const interval = Number(process.argv[3] ?? 100);
const workloads = ['get-job', 'get-job-stub', 'parse', 'pagination', 'import'];
if (!workload || !workloads.includes(workload)) {
  console.error(`usage: node bench/profile.ts ${workloads.join('|')} [sampling interval in µs]`);
  process.exit(2);
}

// `import` profiles loading the package itself, so nothing of it may be loaded before.
let setup: () => Promise<() => Promise<void>>;
if (workload === 'import') {
  setup = () =>
    Promise.resolve(async () => {
      await import('../dist/index.js');
    });
} else {
  const sdk = await import('../dist/index.js');
  setup = async () => {
    if (workload === 'parse') {
      const { listPage } = await import('./fixtures.mjs');
      const text = listPage(1000, 1000);
      for (let i = 0; i < 50; i++) sdk.ExportJobListSchema.parse(JSON.parse(text));
      return () => {
        for (let i = 0; i < 300; i++) sdk.ExportJobListSchema.parse(JSON.parse(text));
        return Promise.resolve();
      };
    }
    if (workload === 'get-job-stub') {
      const { job } = await import('./fixtures.mjs');
      const body = JSON.stringify(job(4242));
      const fetch = () =>
        Promise.resolve(new Response(body, { status: 200, headers: { 'content-type': 'application/json' } }));
      const client = new sdk.ExportJobsClient({ ...clientOptions('http://127.0.0.1:9/data/core/ups'), fetch });
      for (let i = 0; i < 5000; i++) await client.getExportJob(4242);
      return async () => {
        for (let i = 0; i < 50_000; i++) await client.getExportJob(4242);
      };
    }
    const server = await startServer();
    const client = new sdk.ExportJobsClient(clientOptions(server.baseUrl));
    process.on('exit', server.stop);
    if (workload === 'get-job') {
      for (let i = 0; i < 2000; i++) await client.getExportJob(4242);
      return async () => {
        for (let i = 0; i < 20_000; i++) await client.getExportJob(4242);
      };
    }
    for await (const _ of sdk.paginateExportJobs(client, { limit: 100 }, { maxPages: 200 }));
    return async () => {
      for await (const _ of sdk.paginateExportJobs(client, { limit: 100 }));
    };
  };
}

const run = await setup();
const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.setSamplingInterval', { interval });
await session.post('Profiler.start');
const started = performance.now();
await run();
const elapsed = performance.now() - started;
const { profile } = await session.post('Profiler.stop');
const file = join(tmpdir(), `aep-export-jobs-${workload}-${Date.now()}.cpuprofile`);
writeFileSync(file, JSON.stringify(profile));
console.log(`${workload}: ${elapsed.toFixed(0)} ms profiled; ${file}\n`);
console.log(summarize(profile, Number(process.env.FRAMES ?? 30), workload));
process.exit(0);
