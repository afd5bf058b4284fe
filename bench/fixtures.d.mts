/** One export job as the service returns it (a finished BATCH job unless `status` says otherwise). */
export function job(
  id: number,
  status?: string,
): Record<string, unknown> & { id: number; status: string; creationTime: number };
/** The JSON text of one list page of up to `limit` jobs with ids from `firstId` down. */
export function listPage(firstId: number, limit: number): string;
