/**
 * How a simulated job turns out: its status, batches, metrics and errors at any time, computed
 * from when it was created, its durations and whether it was cancelled. Nothing is stored as
 * time passes, so moving the clock is all it takes to move every job along.
 */
import type { Metrics } from '../models/export-job.js';
import type { SimulatedExportJob, SimulatedJobStatus, SimulatorDurations } from './options.js';
import type { StoredRequest } from './validate.js';
import { hexId, uuidId } from './util.js';

/** The share of the processing time spent exporting profiles; the rest writes the dataset. */
const EXPORT_SHARE = 0.7;

/** A job as the simulator keeps it: the request and what was fixed when it was created. */
export interface JobRecord {
  id: number;
  orgId: string;
  sandbox: string;
  createdAt: number;
  durations: SimulatorDurations;
  request: StoredRequest;
  requestId: string;
  profileInstanceId: string;
  failingSegmentIds: string[];
  profiles: number;
  /** Set when a job is cancelled before it finishes; it then stays `CANCELLED`. */
  cancelledAt?: number;
}

export function processingStart(job: JobRecord): number {
  return job.createdAt + job.durations.new;
}

export function finishTime(job: JobRecord): number {
  return job.createdAt + job.durations.new + job.durations.processing;
}

/** The batch ids the job's destination names once it is processing (a failed batch's aside). */
export function batchIdsOf(job: Pick<JobRecord, 'id' | 'request'>): string[] {
  const request = job.request;
  if (!request.segmentPerBatch) return [hexId(`batch:${job.id}`)];
  return (request.filter?.segments ?? []).map((segment) => hexId(`batch:${job.id}:${segment.segmentId}`));
}

/**
 * The job's status at `now`. The job store's status windows rely on it: with every job of a
 * simulator sharing its durations, a status is a run of consecutive creation times.
 */
export function statusAt(job: JobRecord, now: number): SimulatedJobStatus {
  const at = job.cancelledAt === undefined ? now : Math.min(now, job.cancelledAt);
  if (at >= finishTime(job)) return job.failingSegmentIds.length > 0 ? 'FAILED' : 'SUCCEEDED';
  if (job.cancelledAt !== undefined) return 'CANCELLED';
  return at >= processingStart(job) ? 'PROCESSING' : 'NEW';
}

/** The job as the API shows it at `now`: status, batches, metrics and times follow from the clock. */
export function renderJob(job: JobRecord, now: number): SimulatedExportJob {
  const created = job.createdAt;
  const started = processingStart(job);
  const writeStart = started + Math.floor(job.durations.processing * EXPORT_SHARE);
  const finish = finishTime(job);
  // A cancelled job stops where it was: everything is computed at the moment of cancelling.
  const at = job.cancelledAt === undefined ? now : Math.min(now, job.cancelledAt);
  const status = statusAt(job, now);
  const processing = at >= started;
  const writing = at >= writeStart;
  const finished = status === 'SUCCEEDED' || status === 'FAILED';
  const failed = status === 'FAILED';
  const stoppedAt = status === 'CANCELLED' ? job.cancelledAt : undefined;
  const updateTime = finished ? finish : (stoppedAt ?? (writing ? writeStart : processing ? started : created));

  const request = job.request;
  const destination: SimulatedExportJob['destination'] = request.segmentPerBatch
    ? { datasetId: request.datasetId, segmentPerBatch: true, batches: [] }
    : { datasetId: request.datasetId, segmentPerBatch: false };
  if (processing) {
    const batchIds = batchIdsOf(job);
    if (destination.segmentPerBatch) {
      destination.batches = (request.filter?.segments ?? []).map((segment, index) => ({
        segmentId: segment.segmentId,
        segmentNs: segment.segmentNs ?? 'ups',
        status:
          segment.status === undefined
            ? ['realized']
            : Array.isArray(segment.status)
              ? [...segment.status]
              : [segment.status],
        // The contract: a failed batch's id is "".
        batchId: failed && job.failingSegmentIds.includes(segment.segmentId) ? '' : batchIds[index]!,
      }));
    } else destination.batchId = failed ? '' : batchIds[0]!;
  }

  const metrics: SimulatedExportJob['metrics'] = {};
  if (processing) {
    metrics.totalTime = timing(created, finished ? finish : stoppedAt);
    metrics.profileExportTime = timing(started, writing ? writeStart : stoppedAt);
    if (writing) metrics.aCPDatasetWriteTime = timing(writeStart, finished ? finish : stoppedAt);
    if (finished && !failed) {
      metrics.totalExportedProfileCounter = job.profiles;
      // Every profile carries an ECID; about half also have an email identity.
      metrics.exportedProfileByNamespaceCounter = { ECID: job.profiles, Email: Math.floor(job.profiles / 2) };
    }
  }
  const computeGatewayJobId: SimulatedExportJob['computeGatewayJobId'] = {};
  if (processing) computeGatewayJobId.exportJob = uuidId(`export:${job.id}`);
  if (writing) computeGatewayJobId.pushJob = uuidId(`push:${job.id}`);

  const rendered: SimulatedExportJob = {
    id: job.id,
    jobType: 'BATCH',
    destination,
    ...(request.fields === undefined ? {} : { fields: request.fields }),
    schema: { ...request.schema },
    imsOrgId: job.orgId,
    status,
    ...(request.filter === undefined ? {} : { filter: echoFilter(request.filter) }),
    ...(request.additionalFields === undefined ? {} : { additionalFields: structuredClone(request.additionalFields) }),
    mergePolicy: { ...request.mergePolicy },
    profileInstanceId: job.profileInstanceId,
    metrics,
    computeGatewayJobId,
    creationTime: created,
    updateTime,
    requestId: job.requestId,
  };
  if (failed) rendered.errors = jobErrors(job);
  return orderLikeAdobe(rendered);
}

function jobErrors(job: JobRecord): NonNullable<SimulatedExportJob['errors']> {
  const path = `adl://simulator.azuredatalakestore.net/snapshot/${job.id}`;
  // The pair Adobe's own example of a failed job shows.
  return [
    {
      code: '0090000009',
      msg: `Error writing profiles to output path '${path}' (segments ${job.failingSegmentIds.join(', ')})`,
      callStack: 'com.adobe.aep.unifiedprofile.common.logging.Logger',
    },
    { code: 'unknown', msg: 'Job aborted.', callStack: 'org.apache.spark.SparkException: Job aborted.' },
  ];
}

/** Adobe's examples put `errors` after `profileInstanceId`; keeping that order makes dumps easy to compare. */
function orderLikeAdobe(job: SimulatedExportJob): SimulatedExportJob {
  if (!job.errors) return job;
  const { metrics, computeGatewayJobId, creationTime, updateTime, requestId, ...head } = job;
  return { ...head, metrics, computeGatewayJobId, creationTime, updateTime, requestId };
}

/** The request's filter as the service echoes it: a segment status string reads back as an array. */
function echoFilter(filter: NonNullable<StoredRequest['filter']>): NonNullable<SimulatedExportJob['filter']> {
  const { segments, ...rest } = structuredClone(filter);
  if (!segments) return rest;
  return {
    ...rest,
    segments: segments.map(({ status, ...segment }) => ({
      ...segment,
      ...(status === undefined ? {} : { status: typeof status === 'string' ? [status] : status }),
    })),
  };
}

function timing(start: number, end: number | undefined): NonNullable<Metrics['totalTime']> {
  return end === undefined
    ? { startTimeInMs: start }
    : { startTimeInMs: start, endTimeInMs: end, totalTimeInMs: end - start };
}
