import { ResponseValidationError } from '../errors/response-validation-error.js';
import { RequestValidationError } from '../errors/request-validation-error.js';
import { parseBody } from '../internal/http/parse.js';
import type { Transport } from '../internal/http/transport.js';
import type { RequestOptions } from '../options.js';
import { CreateDatasetResponseSchema } from '../models/data-access.js';

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
 * (either casing). Not retried after a 5xx or a timeout: like a job, a dataset could be created twice.
 */
export async function createProfileExportDataset(catalog: Transport, request: CreateProfileExportDatasetRequest, settings: RequestOptions): Promise<string> {
  if (typeof request?.name !== 'string' || request.name.trim() === '') {
    throw new RequestValidationError('create dataset request', [{ path: 'name', message: 'is required and must not be empty' }]);
  }
  const body = {
    name: request.name,
    ...(request.description ? { description: request.description } : {}),
    schemaRef: { id: PROFILE_UNION_SCHEMA_ID, contentType: 'application/vnd.adobe.xed+json;version=1' },
    fileDescription: { persisted: true, containerFormat: 'parquet', format: 'parquet' },
  };
  const result = await catalog.send({ method: 'POST', path: 'dataSets', body, idempotent: false }, settings);
  const [reference] = parseBody(result, CreateDatasetResponseSchema);
  const id = /^@\/datasets\/([^/?#]+)$/i.exec(reference!)?.[1];
  if (!id) {
    throw new ResponseValidationError(`Catalog created a dataset but its answer names no id (request id ${result.requestId})`, {
      requestId: result.requestId,
      body: result.text,
      status: result.status,
    });
  }
  return id;
}
