// Realistic export jobs for the benchmarks: the shape the Segmentation Service returns for a
// finished BATCH job (see the API reference's list example). Shared by the loopback server and the
// in-process benchmarks so that every benchmark measures the same bytes.

/** One export job, newest ids having the latest `creationTime`. */
export function job(id, status = 'SUCCEEDED') {
  const creationTime = 1_538_000_000_000 + id;
  return {
    id,
    jobType: 'BATCH',
    destination: {
      datasetId: '5b7c86968f7b6501e21ba9df',
      segmentPerBatch: false,
      batchId: `batch${id.toString(16).padStart(12, '0')}`,
    },
    fields: 'identities.id,personalEmail.address',
    schema: { name: '_xdm.context.profile' },
    imsOrgId: '1BD6382559DF0C130A49422D@AdobeOrg',
    status,
    filter: {
      segments: [{ segmentId: '52c26d0d-45f2-47a2-ab30-ed06abc981ff', segmentNs: 'ups', status: ['realized'] }],
    },
    mergePolicy: { id: 'timestampOrdered-none-mp', version: 1 },
    profileInstanceId: 'ups',
    metrics: {
      totalTime: { startTimeInMs: creationTime, endTimeInMs: creationTime + 9_000, totalTimeInMs: 9_000 },
      totalExportedProfileCounter: 1234,
    },
    computeGatewayJobId: {
      exportJob: 'f3058161-7349-4ca9-807d-212cee2c2e94',
      pushJob: 'feaeca05-d137-4605-aa4e-21d19d801fc6',
    },
    creationTime,
    updateTime: creationTime + 10_000,
    requestId: 'd995479c-8a08-4240-903b-af469c67be1f',
  };
}

/**
 * The JSON text of one list page: up to `limit` jobs with ids below `firstId` (inclusive), newest
 * first, with the cursor `{creationTime}_{id}` of the last record and a relative `link.next`.
 */
export function listPage(firstId, limit) {
  const records = [];
  for (let id = firstId; id > 0 && records.length < limit; id--) records.push(job(id));
  const last = records.at(-1);
  const cursor = last ? `${last.creationTime}_${last.id}` : '';
  const next = last && last.id > 1 ? `/export/jobs/?limit=${limit}&offset=${cursor}` : '';
  return JSON.stringify({
    records,
    page: { sortField: 'createdTime', sort: 'desc', pageOffset: cursor, pageSize: records.length },
    link: { next },
  });
}
