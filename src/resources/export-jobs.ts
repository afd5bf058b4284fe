import { parseInput } from '../internal/validation.js';
import { CreateExportJobRequestSchema, type NormalizedCreateExportJobRequest } from '../models/create-request.js';

/**
 * Validates a create request and returns the body to send. Throws `RequestValidationError`
 * listing every problem with its field path.
 */
export function validateCreateExportJobRequest(request: unknown): NormalizedCreateExportJobRequest {
  return parseInput(CreateExportJobRequestSchema, request, 'create export job request');
}
