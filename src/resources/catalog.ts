import { z } from 'zod';
import type { DatasetCandidate } from '../errors/ambiguous-create-error.js';
import { ResponseValidationError } from '../errors/response-validation-error.js';
import { RequestValidationError } from '../errors/request-validation-error.js';
import { parseBody } from '../internal/http/parse.js';
import type { Transport } from '../internal/http/transport.js';
import type { RequestOptions } from '../options.js';
import { lenientObject } from '../models/common.js';
import { CreateDatasetResponseSchema } from '../models/data-access.js';
import { clockOffset, createExactlyOnce, type CreateOptions } from '../reconcile.js';

/** The profile union schema an export job's target dataset must use. */
export const PROFILE_UNION_SCHEMA_ID = 'https://ns.adobe.com/xdm/context/profile__union';

/** What `ExportJobsClient.createProfileExportDataset` needs. */
export interface CreateProfileExportDatasetRequest {
  /** The dataset's name, shown in the Platform UI. */
  name: string;
  /** An optional description. */
  description?: string;
}

/**
 * Catalog `POST /dataSets` on the profile union schema, persisted as parquet: the dataset an
 * export job writes to. Resolves with the new dataset's id, read from `["@/dataSets/{id}"]`
 * (either casing). Like a job, a dataset could be created twice, so it is not blindly sent again
 * after a 5xx or a timeout: Catalog lets a dataset be found by name and creation time, and the
 * create is reconciled with the datasets listed since it began (`createExactlyOnce`), unless
 * `reconcile: false`.
 */
export async function createProfileExportDataset(
  catalog: Transport,
  request: CreateProfileExportDatasetRequest,
  settings: CreateOptions,
): Promise<string> {
  if (typeof request?.name !== 'string' || request.name.trim() === '') {
    throw new RequestValidationError('create dataset request', [
      { path: 'name', message: 'is required and must not be empty' },
    ]);
  }
  const body = {
    name: request.name,
    ...(request.description ? { description: request.description } : {}),
    schemaRef: { id: PROFILE_UNION_SCHEMA_ID, contentType: 'application/vnd.adobe.xed+json;version=1' },
    fileDescription: { persisted: true, containerFormat: 'parquet', format: 'parquet' },
  };
  const { reconcile: _reconcile, onReconcile: _onReconcile, ...requestOptions } = settings;
  const dataset = await createExactlyOnce<DatasetCandidate>(
    {
      resource: 'dataset',
      send: async () => {
        const started = Date.now();
        const id = await postDataset(catalog, body, requestOptions);
        return { id, name: body.name, created: started };
      },
      find: (since) => findCreatedDatasets(catalog, body.name, since, requestOptions),
      describe: (candidate) => ({ id: candidate.id, createdAt: candidate.created }),
      maxRetries: requestOptions.maxRetries ?? catalog.config.maxRetries,
      logger: catalog.config.logger,
    },
    settings,
  );
  return dataset.id;
}

async function postDataset(catalog: Transport, body: object, settings: RequestOptions): Promise<string> {
  const result = await catalog.send({ method: 'POST', path: 'dataSets', body, idempotent: false }, settings);
  const [reference] = parseBody(result, CreateDatasetResponseSchema);
  const id = /^@\/datasets\/([^/?#]+)$/i.exec(reference!)?.[1];
  if (!id) {
    throw new ResponseValidationError(
      `Catalog created a dataset but its answer names no id (request id ${result.requestId})`,
      {
        requestId: result.requestId,
        body: result.text,
        status: result.status,
      },
    );
  }
  return id;
}

/** How many datasets the look-up asks Catalog for: its documented most per page for a service token. */
const LOOKUP_LIMIT = 20;

/** Catalog's listing: dataset ids to (some of) their properties. */
const DatasetListingSchema = z.record(
  z.string(),
  lenientObject({
    name: z.string().optional(),
    created: z.union([z.number(), z.string().regex(/^\d+$/).transform(Number)]).optional(),
    schemaRef: lenientObject({ id: z.string().optional() }).optional(),
  }),
);

/**
 * The profile export datasets named `name` created at or after `since` (epoch ms, this machine's
 * clock), newest first. Catalog is asked for the newest datasets of that name; the answer is
 * checked again here, so a Catalog that ignores a filter is still read right. Creation times are
 * Catalog's, so `since` is moved by how far its clock is from this one (its `Date` header), which
 * is why the creation time is not sent as a filter: it is not known in Catalog's time until then.
 */
export async function findCreatedDatasets(
  catalog: Transport,
  name: string,
  since: number,
  settings: RequestOptions,
): Promise<DatasetCandidate[]> {
  const query = { name, orderBy: 'desc:created', limit: LOOKUP_LIMIT, properties: 'name,created,schemaRef' };
  const result = await catalog.send({ method: 'GET', path: 'dataSets', query, idempotent: true }, settings);
  const listing = parseBody(result, DatasetListingSchema);
  const serverSince = since + clockOffset(result.headers);
  const found: DatasetCandidate[] = [];
  for (const [id, dataset] of Object.entries(listing)) {
    if (dataset.name !== name || dataset.created === undefined || dataset.created < serverSince) continue;
    const schema = dataset.schemaRef?.id;
    if (schema !== undefined && schema !== PROFILE_UNION_SCHEMA_ID) continue;
    found.push({ id, name, created: dataset.created });
  }
  return found.sort((a, b) => b.created - a.created);
}
