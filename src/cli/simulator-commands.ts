import { createAndWait, ExportJobsClient, type ExportJob, type ProfileRow } from '../index.js';
import { ExportJobsSimulator, startSimulatorServer } from '../testing/index.js';
import { ExitCode } from './exit-codes.js';
import type { CliIo } from './io.js';
import { jobDetails, jobsTable } from './output/jobs.js';
import { cleanLine } from './output/sanitize.js';
import { toJson } from './output/json.js';
import { waitProgress } from './progress/wait-progress.js';

// The simulator's fake IMS issues tokens for these OAuth Server-to-Server credentials, so the demo
// and the CLI go through the whole token flow, as against Adobe.
const SIMULATOR_CLIENT = { clientId: 'simulator-client-id', clientSecret: 'simulator-client-secret' };
const SIMULATOR_ORG = { orgId: 'SIMULATED0000000000000A@AdobeOrg', sandboxName: 'dev' };

/** `aep-export-jobs simulator`: serve until interrupted, telling how to point the CLI at it. */
export async function runSimulator(
  io: CliIo,
  options: { port: number; host: string; jobDuration: number; failingSegments: string[] },
): Promise<void> {
  const simulator = new ExportJobsSimulator({
    durations: { new: Math.round(options.jobDuration * 0.2), processing: Math.round(options.jobDuration * 0.8) },
    failingSegments: options.failingSegments,
    ims: SIMULATOR_CLIENT,
  });
  const server = await startSimulatorServer(simulator, { port: options.port, host: options.host });
  io.stderr.write(
    `Export jobs simulator listening on ${server.baseUrl} (fake IMS at ${server.imsUrl})\nPoint the CLI at it with:\n` +
      `  export AEP_BASE_URL=${server.baseUrl} AEP_IMS_URL=${server.imsUrl} AEP_CLIENT_ID=${SIMULATOR_CLIENT.clientId} ` +
      `AEP_CLIENT_SECRET=${SIMULATOR_CLIENT.clientSecret} AEP_ORG_ID=${SIMULATOR_ORG.orgId} AEP_SANDBOX_NAME=${SIMULATOR_ORG.sandboxName}\nPress Ctrl-C to stop.\n`,
  );
  await new Promise<void>((resolve) => {
    if (!io.signal) return;
    if (io.signal.aborted) resolve();
    io.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  await server.close();
}

/**
 * `aep-export-jobs demo` (and `npm run demo`): the main job end to end on a simulator served on
 * loopback: create an export job, watch it to completion with progress, then list the jobs.
 */
export async function runDemo(io: CliIo, options: { json: boolean; quiet: boolean }): Promise<number> {
  const server = await startSimulatorServer(
    new ExportJobsSimulator({ durations: { new: 1_000, processing: 4_000 }, ims: SIMULATOR_CLIENT }),
  );
  try {
    const client = new ExportJobsClient({
      credentials: { ...SIMULATOR_CLIENT, imsUrl: server.imsUrl },
      ...SIMULATOR_ORG,
      baseUrl: server.baseUrl,
    });
    const say = (line: string) => {
      if (!options.quiet) io.stderr.write(`${line}\n`);
    };
    say(`Simulator on ${server.baseUrl}`);
    let progress: ReturnType<typeof waitProgress> | undefined;
    const job = await createAndWait(
      client,
      {
        fields: 'identities.id,personalEmail.address',
        filter: {
          segments: [{ segmentId: '52c26d0d-45f2-47a2-ab30-ed06abc981ff', segmentNs: 'ups', status: ['realized'] }],
        },
        destination: { datasetId: '5b7c86968f7b6501e21ba9df', segmentPerBatch: false },
        schema: { name: '_xdm.context.profile' },
      },
      {
        minDelay: 500,
        maxDelay: 2_000,
        maxWait: 60_000,
        ...(io.signal ? { signal: io.signal } : {}),
        onCreated: (created) => {
          say(`Created export job ${created.id} (${created.status})`);
          progress = waitProgress(io, created.id, {
            minDelay: 500,
            maxDelay: 2_000,
            maxWait: 60_000,
            quiet: options.quiet,
          });
        },
        onPoll: (polled, polls) => progress?.callbacks.onPoll?.(polled, polls),
        onStatusChange: (previous, current) => progress?.callbacks.onStatusChange?.(previous, current),
      },
    ).catch((error: unknown) => {
      progress?.stop();
      throw error;
    });
    progress?.stop(job);
    const jobs = await client
      .listExportJobs({ limit: 10 }, io.signal ? { signal: io.signal } : {})
      .toArray({ maxItems: 100 });
    // The way ends at the audience itself: the first profiles, read straight from Data Access.
    const profiles = await firstProfiles(client, job, 3, io.signal);
    if (options.json) io.stdout.write(`${toJson({ job, jobs, profiles })}\n`);
    else {
      const style = Boolean(io.stdout.isTTY) && !io.env.NO_COLOR;
      io.stdout.write(jobDetails(job, { style }));
      const width = io.stdout.isTTY ? (io.stdout.columns ?? 80) : undefined;
      io.stdout.write(`\nAll export jobs in the sandbox:\n${jobsTable(jobs, { width, style })}`);
      io.stdout.write(`\nThe first ${profiles.length} exported profiles:\n`);
      for (const profile of profiles) io.stdout.write(`${cleanLine(JSON.stringify(profile))}\n`);
    }
    return ExitCode.Success;
  } finally {
    await server.close();
  }
}

/** The first `count` profiles of a finished job's batch, read over Range without touching the disk. */
async function firstProfiles(
  client: ExportJobsClient,
  job: ExportJob,
  count: number,
  signal: AbortSignal | undefined,
): Promise<ProfileRow[]> {
  const batchId = job.destination.segmentPerBatch ? job.destination.batches[0]?.batchId : job.destination.batchId;
  const profiles: ProfileRow[] = [];
  if (!batchId) return profiles;
  for await (const row of client.readBatchProfiles(batchId, signal ? { signal } : {})) {
    profiles.push(row);
    if (profiles.length >= count) break;
  }
  return profiles;
}
