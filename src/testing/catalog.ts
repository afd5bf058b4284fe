/**
 * The simulated Catalog Service, as far as an export needs it: `POST /dataSets` creates the target
 * dataset, `GET /dataSets` and `GET /dataSets/{id}` read them back. Datasets are kept per
 * organization and sandbox.
 */
import { jsonResponse, platformProblem } from './responses.js';
import { hexId, isObject, isText, parseJson } from './util.js';

/** A dataset created through the simulated Catalog, as `simulator.datasets()` shows it. */
export interface SimulatedDataset {
  /** The 24-hex id Catalog answered with (`["@/dataSets/{id}"]`). */
  readonly id: string;
  readonly name: string;
  readonly description?: string;
  readonly schemaRef: { readonly id: string; readonly contentType?: string };
  /** As sent, such as `{ persisted: true, containerFormat: 'parquet', format: 'parquet' }`. */
  readonly fileDescription?: Readonly<Record<string, unknown>>;
  readonly tags?: Readonly<Record<string, readonly string[]>>;
  /** The view id exported batches' files carry as `dataSetViewId`. */
  readonly viewId: string;
  readonly orgId: string;
  readonly sandboxName: string;
  /** Creation time, epoch ms on the simulator's clock. */
  readonly created: number;
  /** The whole request body as received. */
  readonly request: unknown;
}

/** Who is asking: the organization and sandbox from the request's headers. */
export interface CatalogScope {
  orgId: string;
  sandbox: string;
  requestId: string;
}

const FORMATS = new Set(['', 'csv', 'text', 'parquet', 'json']);

/** The view id of a dataset the simulator did not create (an export to a dataset id made up by a test). */
export function viewIdOf(datasetId: string): string {
  return hexId(`view:${datasetId}`, 24);
}

export class SimulatedCatalog {
  #datasets = new Map<string, SimulatedDataset>();
  #sequence = 0;
  readonly #now: () => number;

  constructor(now: () => number) {
    this.#now = now;
  }

  /** Answers a request under the Catalog base path (`parts`: the path's segments after it). */
  answer(method: string, parts: readonly string[], text: string, scope: CatalogScope, location: string): Response {
    if (parts[0] !== 'dataSets' || parts.length > 2)
      return platformProblem(404, 'CAT-1404-404', `The resource /${parts.join('/')} is not found.`, scope.requestId);
    if (parts.length === 1) {
      if (method === 'POST') return this.#create(text, scope, location);
      if (method === 'GET')
        return jsonResponse(Object.fromEntries(this.list(scope).map((dataset) => [dataset.id, render(dataset)])), 200);
      return notAllowed(method, 'GET, POST', scope.requestId);
    }
    if (method !== 'GET') return notAllowed(method, 'GET', scope.requestId);
    const dataset = this.#datasets.get(parts[1] ?? '');
    if (!dataset || dataset.orgId !== scope.orgId || dataset.sandboxName !== scope.sandbox) {
      return platformProblem(404, 'CAT-1404-404', `Dataset ${parts[1]} is not found.`, scope.requestId);
    }
    return jsonResponse({ [dataset.id]: render(dataset) }, 200);
  }

  /** The datasets of one organization and sandbox, oldest first; all of them when no scope is given. */
  list(scope?: { orgId?: string; sandbox?: string }): SimulatedDataset[] {
    return [...this.#datasets.values()].filter(
      (dataset) =>
        (scope?.orgId === undefined || dataset.orgId === scope.orgId) &&
        (scope?.sandbox === undefined || dataset.sandboxName === scope.sandbox),
    );
  }

  get(id: string): SimulatedDataset | undefined {
    return this.#datasets.get(id);
  }

  reset(): void {
    this.#datasets = new Map();
    this.#sequence = 0;
  }

  #create(text: string, scope: CatalogScope, location: string): Response {
    const parsed = parseJson(text);
    if (!parsed) return platformProblem(400, 'CAT-1400-400', 'The request body is not valid JSON.', scope.requestId);
    const body = parsed.value;
    const problems: string[] = [];
    if (!isObject(body)) problems.push('The request body must be a JSON object describing the dataset.');
    else {
      if (!isText(body.name)) problems.push('name is required and must be a non-empty string.');
      if (body.description !== undefined && typeof body.description !== 'string')
        problems.push('description must be a string.');
      const schemaRef = body.schemaRef;
      if (!isObject(schemaRef))
        problems.push(
          'schemaRef is required: { "id": "https://ns.adobe.com/...", "contentType": "application/vnd.adobe.xed+json;version=1" }.',
        );
      else {
        if (!isText(schemaRef.id)) problems.push('schemaRef.id is required and must be a non-empty string.');
        if (schemaRef.contentType !== undefined && typeof schemaRef.contentType !== 'string')
          problems.push('schemaRef.contentType must be a string.');
      }
      const file = body.fileDescription;
      if (file !== undefined) {
        if (!isObject(file)) problems.push('fileDescription must be an object.');
        else {
          if (file.format !== undefined && !(typeof file.format === 'string' && FORMATS.has(file.format)))
            problems.push(
              `fileDescription.format must be one of csv, text, parquet, json, got ${JSON.stringify(file.format)}.`,
            );
          if (file.persisted !== undefined && typeof file.persisted !== 'boolean')
            problems.push('fileDescription.persisted must be a boolean.');
        }
      }
      if (
        body.tags !== undefined &&
        !(
          isObject(body.tags) &&
          Object.values(body.tags).every((tag) => Array.isArray(tag) && tag.every((value) => typeof value === 'string'))
        )
      ) {
        problems.push('tags must map names to arrays of strings.');
      }
    }
    if (problems.length > 0 || !isObject(body))
      return platformProblem(400, 'CAT-1400-400', problems.join(' '), scope.requestId);

    this.#sequence += 1;
    const id = hexId(`dataset:${this.#sequence}:${scope.sandbox}:${String(body.name)}`, 24);
    const schemaRef = body.schemaRef as Record<string, unknown>;
    const dataset: SimulatedDataset = {
      id,
      name: body.name as string,
      ...(typeof body.description === 'string' ? { description: body.description } : {}),
      schemaRef: {
        id: schemaRef.id as string,
        ...(typeof schemaRef.contentType === 'string' ? { contentType: schemaRef.contentType } : {}),
      },
      ...(isObject(body.fileDescription) ? { fileDescription: structuredClone(body.fileDescription) } : {}),
      ...(isObject(body.tags) ? { tags: structuredClone(body.tags) as Record<string, string[]> } : {}),
      viewId: hexId(`view:${id}`, 24),
      orgId: scope.orgId,
      sandboxName: scope.sandbox,
      created: this.#now(),
      request: structuredClone(body),
    };
    this.#datasets.set(id, dataset);
    return jsonResponse([`@/dataSets/${id}`], 201, { location: `${location}/dataSets/${id}` });
  }
}

function render(dataset: SimulatedDataset): Record<string, unknown> {
  return {
    version: '1.0.0',
    imsOrg: dataset.orgId,
    name: dataset.name,
    ...(dataset.description === undefined ? {} : { description: dataset.description }),
    created: dataset.created,
    updated: dataset.created,
    createdClient: 'aep-export-jobs-simulator',
    createdUser: 'aep-export-jobs-simulator@AdobeID',
    updatedUser: 'aep-export-jobs-simulator@AdobeID',
    viewId: dataset.viewId,
    ...(dataset.tags === undefined ? {} : { tags: dataset.tags }),
    schemaRef: dataset.schemaRef,
    ...(dataset.fileDescription === undefined ? {} : { fileDescription: dataset.fileDescription }),
    files: `@/dataSetFiles?dataSetId=${dataset.id}`,
  };
}

function notAllowed(method: string, allow: string, requestId: string): Response {
  return platformProblem(405, 'CAT-1405-405', `Method ${method} is not supported here.`, requestId, { allow });
}
