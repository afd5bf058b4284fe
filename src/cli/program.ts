import { readFile } from 'node:fs/promises';
import { Command, CommanderError, Option } from 'commander';
import {
  ConfigurationError,
  ExportJobCancelledError,
  ExportJobFailedError,
  ExportJobsError,
  RequestValidationError,
  VERSION,
  WaitTimeoutError,
  exportSegments,
  paginateExportJobs,
  waitForCompletion,
  type CreateExportJobRequest,
  type ExportJob,
  type ExportJobsClient,
  type Logger,
  type WaitOptions,
} from '../index.js';
import { clientFromSettings, parseCount, parseDuration, type ConnectionFlags } from './config.js';
import { ExitCode } from './exit-codes.js';
import type { CliIo } from './io.js';
import { jobDetails, jobsTable, writeJson } from './output.js';
import { exportProgress, waitProgress } from './progress.js';
import { runDemo, runSimulator } from './simulator-commands.js';
import { UsageError } from './usage-error.js';

interface GlobalFlags extends ConnectionFlags {
  json?: boolean;
  quiet?: boolean;
}

interface CreateFlags {
  file?: string;
  dataset?: string;
  segment?: string[];
  segmentPerBatch?: boolean;
  fields?: string;
  mergePolicy?: string;
}

interface WaitFlags {
  timeout: string;
  minDelay: string;
  maxDelay: string;
  cancelOnInterrupt?: boolean;
}

/**
 * Runs the CLI with `argv` (the arguments after the program name) and resolves with the exit
 * code. Never calls `process.exit`: `src/cli/index.ts` does, so tests can drive this directly.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let exitCode: number = ExitCode.Success;
  const program = new Command('aep-export-jobs')
    .description('Create, watch, list and cancel AEP Segmentation Service export jobs.')
    .version(VERSION)
    .exitOverride()
    .configureOutput({ writeOut: (text) => io.stdout.write(text), writeErr: (text) => io.stderr.write(text) })
    .option('--access-token <token>', 'bearer token (env AEP_ACCESS_TOKEN)')
    .option('--client-id <id>', 'OAuth Server-to-Server client id, instead of a token (env AEP_CLIENT_ID)')
    .option('--client-secret <secret>', 'OAuth Server-to-Server client secret (env AEP_CLIENT_SECRET; prefer the variable)')
    .option('--scopes <list>', 'OAuth scopes, comma-separated (env AEP_SCOPES)')
    .option('--ims-url <url>', 'IMS token endpoint (env AEP_IMS_URL)')
    .option('--api-key <key>', 'API key (env AEP_API_KEY; defaults to the client id with OAuth)')
    .option('--org-id <id>', 'IMS org id, ...@AdobeOrg (env AEP_ORG_ID)')
    .option('--sandbox <name>', 'sandbox name (env AEP_SANDBOX_NAME)')
    .option('--base-url <url>', 'API base URL (env AEP_BASE_URL; default https://platform.adobe.io/data/core/ups)')
    .option('--request-timeout <duration>', 'per-request timeout, such as 30s')
    .option('--json', 'print one JSON document on stdout (logs stay on stderr)')
    .option('--quiet', 'no progress output on stderr')
    .option('--verbose', 'log each HTTP attempt on stderr')
    .addHelpText('after', '\nExit codes: 0 succeeded, 1 job failed, 2 usage or validation error, 3 wait timed out, 4 API or network error, 130 interrupted.');

  const globals = (command: Command) => command.optsWithGlobals<GlobalFlags>();
  const client = (command: Command): ExportJobsClient => {
    const flags = globals(command);
    const logger: Logger | undefined = flags.verbose ? { debug: (message) => io.stderr.write(`${message}\n`) } : undefined;
    return clientFromSettings(flags, io.env, logger);
  };
  // Colour only on a terminal, and never with NO_COLOR (https://no-color.org).
  const colour = Boolean((io.stdout as { isTTY?: boolean }).isTTY) && !io.env.NO_COLOR;
  const requestOptions = () => (io.signal ? { signal: io.signal } : {});

  program
    .command('list')
    .description('list export jobs, newest first')
    .addOption(new Option('--status <status>', 'only jobs with this status').choices(['NEW', 'SUCCEEDED', 'FAILED']))
    .option('--limit <n>', 'jobs per page')
    .option('--all', 'follow every page')
    .option('--max-items <n>', 'with --all: stop after this many jobs', '10000')
    .action(async (flags: { status?: 'NEW' | 'SUCCEEDED' | 'FAILED'; limit?: string; all?: boolean; maxItems: string }, command: Command) => {
      const query = { ...(flags.status ? { status: flags.status } : {}), ...(flags.limit ? { limit: parseCount(flags.limit, '--limit') } : {}) };
      const api = client(command);
      if (flags.all) {
        const jobs = await paginateExportJobs(api, query, requestOptions()).toArray({ maxItems: parseCount(flags.maxItems, '--max-items') });
        if (globals(command).json) writeJson(io, jobs);
        else io.stdout.write(jobsTable(jobs, colour));
        return;
      }
      const page = await api.listExportJobs(query, requestOptions());
      if (globals(command).json) writeJson(io, page);
      else {
        io.stdout.write(jobsTable(page.records, colour));
        if (page.link.next) io.stderr.write(`more jobs: use --all, or --limit to see more per page\n`);
      }
    });

  program
    .command('get')
    .description('show one export job')
    .argument('<id>', 'export job id')
    .action(async (id: string, _flags: unknown, command: Command) => {
      const job = await client(command).getExportJob(id, requestOptions());
      printJob(io, job, Boolean(globals(command).json), colour);
    });

  withCreateOptions(program.command('create').description('create an export job')).action(async (flags: CreateFlags, command: Command) => {
    const request = await createRequest(flags, io);
    const job = await client(command).createExportJob(request, requestOptions());
    if (globals(command).json) writeJson(io, job);
    else io.stdout.write(`Created export job ${job.id} (${job.status})\n`);
  });

  program
    .command('cancel')
    .description('ask the service to cancel an export job')
    .argument('<id>', 'export job id')
    .action(async (id: string, _flags: unknown, command: Command) => {
      const result = await client(command).cancelExportJob(id, requestOptions());
      if (globals(command).json) writeJson(io, result);
      else io.stdout.write(`Job ${id}: ${result.message ?? (result.status ? 'cancel requested' : 'not cancelled')}\n`);
    });

  withWaitOptions(program.command('wait').description('wait for an export job to finish').argument('<id>', 'export job id')).action(
    async (id: string, flags: WaitFlags, command: Command) => {
      exitCode = await waitAndReport(client(command), id, flags, globals(command), io, colour);
    },
  );

  withWaitOptions(withCreateOptions(program.command('run').description('create an export job, then wait for it'))).action(
    async (flags: CreateFlags & WaitFlags, command: Command) => {
      const request = await createRequest(flags, io);
      const api = client(command);
      const job = await api.createExportJob(request, requestOptions());
      if (!globals(command).quiet) io.stderr.write(`Created export job ${job.id}\n`);
      exitCode = await waitAndReport(api, job.id, flags, globals(command), io, colour);
    },
  );

  withWaitOptions(
    program
      .command('export')
      .description('from segments to files: reuse or create the dataset, create the job, wait, download every batch')
      .option('--segment <id...>', 'segment id(s) to export')
      .requiredOption('--out <dir>', 'folder for the files (one sub-folder per segment with --segment-per-batch)')
      .option('--job <id>', 'resume an earlier export: wait for this job and download what is missing')
      .option('--dataset <id>', 'an existing profile export dataset')
      .option('--create-dataset <name>', 'create a profile export dataset with this name')
      .option('--segment-per-batch', 'one batch, and one folder, per segment')
      .option('--fields <paths>', 'comma-separated profile fields to export (default all)')
      .option('--concurrency <n>', 'files downloaded at once', '4'),
  ).action(async (flags: WaitFlags & { segment?: string[]; out: string; job?: string; dataset?: string; createDataset?: string; segmentPerBatch?: boolean; fields?: string; concurrency: string }, command: Command) => {
    if (flags.job === undefined) {
      if (!flags.segment?.length) throw new UsageError('export needs --segment <id>... (or --job <id> to resume an earlier export)');
      if (Boolean(flags.dataset) === Boolean(flags.createDataset)) throw new UsageError('export needs exactly one of --dataset <id> and --create-dataset <name>');
    }
    const global = globals(command);
    const progress = exportProgress(io, Boolean(global.quiet));
    const result = await exportSegments(client(command), {
      segments: flags.segment ?? [],
      dir: flags.out,
      ...(flags.job !== undefined ? { jobId: parseCount(flags.job, '--job') } : flags.dataset ? { datasetId: flags.dataset } : { createDataset: { name: flags.createDataset! } }),
      segmentPerBatch: Boolean(flags.segmentPerBatch),
      ...(flags.fields ? { fields: flags.fields } : {}),
      concurrency: parseCount(flags.concurrency, '--concurrency'),
      ...waitDurations(flags),
      ...(io.signal ? { signal: io.signal } : {}),
      ...(flags.cancelOnInterrupt ? { cancelOnAbort: true, onCancel: cancelReporter(io, 'export job') } : {}),
      ...progress.callbacks,
    }).finally(() => progress.stop());
    if (global.json) writeJson(io, { datasetId: result.datasetId, jobId: result.job.id, status: result.job.status, files: result.files });
    else {
      const bytes = result.files.reduce((sum, file) => sum + file.bytes, 0);
      io.stdout.write(`Export job ${result.job.id} ${result.job.status}: ${result.files.length} file(s), ${bytes} bytes in ${flags.out}\n`);
      for (const file of result.files) io.stdout.write(`  ${file.path}  ${file.bytes}${file.skipped ? '  (already there)' : ''}\n`);
    }
  });

  program
    .command('simulator')
    .description('serve the embedded export jobs simulator on loopback until interrupted')
    .option('--port <port>', 'port to listen on', '4010')
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .option('--job-duration <duration>', 'how long a job takes from NEW to SUCCEEDED', '10s')
    .option('--fail-segment <id...>', 'segments whose jobs end FAILED')
    .action(async (flags: { port: string; host: string; jobDuration: string; failSegment?: string[] }) => {
      const port = Number(flags.port);
      if (!(Number.isInteger(port) && port >= 0 && port < 65_536)) throw new UsageError(`--port must be a port number; got ${JSON.stringify(flags.port)}`);
      await runSimulator(io, { port, host: flags.host, jobDuration: parseDuration(flags.jobDuration, '--job-duration'), failingSegments: flags.failSegment ?? [] });
    });

  program
    .command('demo')
    .description('run the main job end to end on the embedded simulator: create, wait with progress, list')
    .action(async (_flags: unknown, command: Command) => {
      exitCode = await runDemo(io, { json: Boolean(globals(command).json), quiet: Boolean(globals(command).quiet) });
    });

  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    return reportError(error, io);
  }
}

function withCreateOptions(command: Command): Command {
  return command
    .option('--file <path>', 'the create request as a JSON file (as in the API docs)')
    .option('--dataset <id>', 'destination dataset id')
    .option('--segment <id...>', 'segment id(s) to export')
    .option('--segment-per-batch', 'one batch per segment')
    .option('--fields <paths>', 'comma-separated profile fields to export (default all)')
    .option('--merge-policy <id>', 'merge policy id');
}

function withWaitOptions(command: Command): Command {
  return command
    .option('--timeout <duration>', 'give up after this long', '30m')
    .option('--min-delay <duration>', 'first wait between polls', '2s')
    .option('--max-delay <duration>', 'longest wait between polls', '30s')
    .option('--cancel-on-interrupt', 'cancel the job on Ctrl-C or timeout');
}

/** The wait flags shared by `wait`, `run` and `export`, as milliseconds. */
function waitDurations(flags: WaitFlags): Pick<WaitOptions, 'maxWait' | 'minDelay' | 'maxDelay'> {
  return {
    maxWait: parseDuration(flags.timeout, '--timeout'),
    minDelay: parseDuration(flags.minDelay, '--min-delay'),
    maxDelay: parseDuration(flags.maxDelay, '--max-delay'),
  };
}

async function createRequest(flags: CreateFlags, io: CliIo): Promise<CreateExportJobRequest> {
  if (flags.file) {
    if (flags.dataset || flags.segment) throw new UsageError('give either --file or --dataset/--segment, not both');
    const text = await (io.readFile ?? ((path: string) => readFile(path, 'utf8')))(flags.file);
    try {
      return JSON.parse(text) as CreateExportJobRequest;
    } catch (error) {
      throw new UsageError(`--file ${flags.file} is not valid JSON: ${(error as Error).message}`);
    }
  }
  if (!flags.dataset) throw new UsageError('create needs --file <request.json>, or --dataset <id> with --segment <id>...');
  return {
    ...(flags.fields ? { fields: flags.fields } : {}),
    ...(flags.mergePolicy ? { mergePolicy: { id: flags.mergePolicy } } : {}),
    ...(flags.segment?.length ? { filter: { segments: flags.segment.map((segmentId) => ({ segmentId })) } } : {}),
    destination: { datasetId: flags.dataset, segmentPerBatch: Boolean(flags.segmentPerBatch) },
    schema: { name: '_xdm.context.profile' },
  };
}

async function waitAndReport(client: ExportJobsClient, id: number | string, flags: WaitFlags, global: GlobalFlags, io: CliIo, colour: boolean): Promise<number> {
  const progress = waitProgress(io, id, Boolean(global.quiet));
  const options: WaitOptions = {
    ...waitDurations(flags),
    resolveOnFailure: true,
    ...(io.signal ? { signal: io.signal } : {}),
    ...(flags.cancelOnInterrupt ? { cancelOnAbort: true, onCancel: cancelReporter(io, `job ${id}`) } : {}),
    ...progress.callbacks,
  };
  let job: ExportJob;
  try {
    job = await waitForCompletion(client, id, options);
  } catch (error) {
    progress.stop();
    throw error;
  }
  const succeeded = job.status === 'SUCCEEDED';
  progress.stop(`job ${job.id}: ${job.status}`);
  if (global.json) writeJson(io, job);
  else io.stdout.write(jobDetails(job, colour));
  return succeeded ? ExitCode.Success : ExitCode.JobFailed;
}

function cancelReporter(io: CliIo, what: string): NonNullable<WaitOptions['onCancel']> {
  return (outcome) => io.stderr.write(outcome.ok ? `Cancel requested for ${what}\n` : `Could not cancel ${what}: ${(outcome.error as Error).message}\n`);
}

function printJob(io: CliIo, job: ExportJob, json: boolean, tty: boolean): void {
  if (json) writeJson(io, job);
  else io.stdout.write(jobDetails(job, tty));
}

/** One line on stderr, and the documented exit code. */
function reportError(error: unknown, io: CliIo): number {
  if (error instanceof CommanderError) {
    return error.exitCode === 0 ? ExitCode.Success : ExitCode.Usage;
  }
  if (io.signal?.aborted) {
    io.stderr.write('Interrupted\n');
    return ExitCode.Interrupted;
  }
  const message = error instanceof Error ? error.message : String(error);
  io.stderr.write(`${error instanceof Error && error.name !== 'Error' ? `${error.name}: ` : ''}${message}\n`);
  if (error instanceof UsageError || error instanceof RequestValidationError || error instanceof ConfigurationError) return ExitCode.Usage;
  if (error instanceof ExportJobFailedError || error instanceof ExportJobCancelledError) return ExitCode.JobFailed;
  if (error instanceof WaitTimeoutError) return ExitCode.WaitTimeout;
  if (error instanceof ExportJobsError) return ExitCode.ApiError;
  return ExitCode.ApiError;
}
