/**
 * aep-export-jobs: a typed client for the Adobe Experience Platform Segmentation Service export
 * jobs API. Everything public is exported from here.
 * @module aep-export-jobs
 * @packageDocumentation
 */
export { ExportJobsClient } from './client.js';
export { DEFAULT_MAX_RESPONSE_BYTES } from './internal/http/transport.js';
export {
  DEFAULT_BASE_URL,
  DEFAULT_MAX_RETRIES,
  DEFAULT_TIMEOUT,
  type ExportJobsClientOptions,
  type RequestOptions,
} from './options.js';
export { VERSION } from './version.js';
export {
  OAuthTokenProvider,
  DEFAULT_IMS_URL,
  DEFAULT_REFRESH_MARGIN,
  DEFAULT_SCOPES,
  type OAuthTokenProviderOptions,
} from './auth/oauth.js';
export type { OAuthCredentials } from './auth/credentials.js';
export type { AccessTokenSource, TokenProvider } from './auth/token-provider.js';
export type { Logger } from './internal/http/log.js';

// Models: each type is inferred from the schema of the same name plus `Schema`.
export { validateCreateExportJobRequest } from './resources/export-jobs.js';
export {
  CreateExportJobRequestSchema,
  type CreateExportJobRequest,
  type NormalizedCreateExportJobRequest,
} from './models/create-request.js';
export {
  BatchSchema,
  DestinationSchema,
  SegmentPerBatchDestinationSchema,
  SegmentStatusSchema,
  SingleBatchDestinationSchema,
  type Batch,
  type Destination,
  type KnownSegmentStatus,
  type SegmentPerBatchDestination,
  type SegmentStatus,
  type SingleBatchDestination,
} from './models/destination.js';
export {
  ExportJobSchema,
  ExportJobStatusSchema,
  JobErrorSchema,
  MetricsSchema,
  type ExportJob,
  type ExportJobStatus,
  type KnownExportJobStatus,
  type JobError,
  type Metrics,
} from './models/export-job.js';
export {
  AdditionalFieldsSchema,
  FilterSchema,
  MergePolicySchema,
  SegmentFilterSchema,
  type AdditionalFields,
  type Filter,
  type MergePolicy,
  type SegmentFilter,
} from './models/filter.js';
export {
  CancelExportJobResultSchema,
  ExportJobListSchema,
  ListExportJobsQuerySchema,
  ListStatusFilterSchema,
  type CancelExportJobResult,
  type ExportJobList,
  type ListExportJobsQuery,
} from './models/list.js';
export {
  GatewayErrorBodySchema,
  ImsErrorBodySchema,
  PlatformProblemSchema,
  SegmentationErrorBodySchema,
  type GatewayErrorBody,
  type ImsErrorBody,
  type PlatformProblem,
  type SegmentationErrorBody,
} from './models/error-bodies.js';

// Errors: one tree under ExportJobsError.
export { ExportJobsError } from './errors/export-jobs-error.js';
export {
  ApiError,
  AuthenticationError,
  BadRequestError,
  ConflictError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  ServerError,
  TokenRequestError,
  type ApiErrorInit,
} from './errors/api-error.js';
export { ConfigurationError } from './errors/configuration-error.js';
export { ConnectionError } from './errors/connection-error.js';
export { TimeoutError } from './errors/timeout-error.js';
export { RequestValidationError, type ValidationIssue } from './errors/request-validation-error.js';
export { ResponseValidationError } from './errors/response-validation-error.js';
export { UnsafeResponseError } from './errors/unsafe-response-error.js';
export { ResponseTooLargeError } from './errors/response-too-large-error.js';
export {
  AmbiguousCreateError,
  type AmbiguousCreateReason,
  type CreatedResource,
  type DatasetCandidate,
} from './errors/ambiguous-create-error.js';

// Creating exactly once: what an ambiguous create did is looked up, not guessed.
export {
  describeReconcileEvent,
  DEFAULT_RECONCILE_CLOCK_SKEW,
  DEFAULT_RECONCILE_LOOKS,
  DEFAULT_RECONCILE_LOOK_DELAY,
  type CreateOptions,
  type ReconcileEvent,
  type ReconcileSettings,
} from './reconcile.js';
export { matchesCreateRequest } from './resources/reconcile-create.js';
export { PaginationError } from './errors/pagination-error.js';
export {
  ExportJobCancelledError,
  ExportJobFailedError,
  WaitTimeoutError,
  type CancelOutcome,
} from './errors/wait-errors.js';

// Listing: the client's listExportJobs returns an ExportJobPagePromise (await a page, iterate jobs).
export { paginateExportJobs, ExportJobPage, ExportJobPagePromise, type ListOptions } from './pagination.js';

// Helpers: standalone functions over the client's public methods, so they tree-shake.
export {
  createAndWait,
  waitForCompletion,
  pollDelay,
  DEFAULT_MAX_DELAY,
  DEFAULT_MIN_DELAY,
  DEFAULT_MAX_WAIT,
  type WaitOptions,
} from './wait.js';

// Around the export: the target dataset (Catalog) and the exported files (Data Access).
export { PROFILE_UNION_SCHEMA_ID, type CreateProfileExportDatasetRequest } from './resources/catalog.js';
export { DATA_ACCESS_PAGE_LIMIT, type BatchFile } from './resources/data-access.js';
export type { DownloadedFile, DownloadOptions, DownloadProgress } from './download.js';
export {
  DatasetFileSchema,
  DatasetFilesPageSchema,
  FileEntrySchema,
  FileListingSchema,
  type DatasetFile,
  type DatasetFilesPage,
  type FileEntry,
  type FileListing,
} from './models/data-access.js';
// From files to profiles: the exported Parquet read as rows, from disk or straight from Data Access.
export {
  csvColumns,
  ProfileReadError,
  readExportedProfiles,
  readProfileColumns,
  toCsvRows,
  toNdjsonLines,
  type ProfileReadProblem,
  type ProfileRow,
  type ReadBatchProfilesOptions,
  type ReadProfilesOptions,
} from './profiles/index.js';
export {
  exportSegments,
  type ExportSegmentsErrorIds,
  type ExportSegmentsOptions,
  type ExportSegmentsResult,
} from './export.js';
