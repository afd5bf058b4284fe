// A loopback server for benchmarks, run in a child process so that its allocations never count
// in the client's heap. Serves JOBS export jobs newest first in pages with real-looking cursors
// and relative `link.next`, as the Segmentation Service does. Prints its port on stdout.
import { createServer } from 'node:http';

const JOBS = Number(process.env.JOBS ?? 100_000);
const BASE = '/data/core/ups';

function job(id) {
  const creationTime = 1_538_000_000_000 + id;
  return {
    id,
    jobType: 'BATCH',
    destination: { datasetId: '5b7c86968f7b6501e21ba9df', segmentPerBatch: false, batchId: `batch${id.toString(16).padStart(12, '0')}` },
    fields: 'identities.id,personalEmail.address',
    schema: { name: '_xdm.context.profile' },
    imsOrgId: '1BD6382559DF0C130A49422D@AdobeOrg',
    status: 'SUCCEEDED',
    filter: { segments: [{ segmentId: '52c26d0d-45f2-47a2-ab30-ed06abc981ff', segmentNs: 'ups', status: ['realized'] }] },
    mergePolicy: { id: 'timestampOrdered-none-mp', version: 1 },
    profileInstanceId: 'ups',
    metrics: { totalTime: { startTimeInMs: creationTime, endTimeInMs: creationTime + 9_000, totalTimeInMs: 9_000 }, totalExportedProfileCounter: 1234 },
    computeGatewayJobId: { exportJob: 'f3058161-7349-4ca9-807d-212cee2c2e94', pushJob: 'feaeca05-d137-4605-aa4e-21d19d801fc6' },
    creationTime,
    updateTime: creationTime + 10_000,
    requestId: 'd995479c-8a08-4240-903b-af469c67be1f',
  };
}

const server = createServer((request, response) => {
  const url = new URL(request.url, 'http://localhost');
  if (!url.pathname.startsWith(`${BASE}/export/jobs`)) {
    response.writeHead(404).end();
    return;
  }
  const limit = Number(url.searchParams.get('limit') ?? 20);
  const offset = url.searchParams.get('offset');
  // Ids run JOBS..1, newest first; the cursor is `{creationTime}_{id}` of the page's last record.
  const firstId = offset ? Number(offset.split('_')[1]) - 1 : JOBS;
  const records = [];
  for (let id = firstId; id > 0 && records.length < limit; id--) records.push(job(id));
  const last = records.at(-1);
  const cursor = last ? `${last.creationTime}_${last.id}` : '';
  const next = last && last.id > 1 ? `/export/jobs/?limit=${limit}&offset=${cursor}` : '';
  const body = JSON.stringify({ records, page: { sortField: 'createdTime', sort: 'desc', pageOffset: cursor, pageSize: records.length }, link: { next } });
  response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body);
});

server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${server.address().port}\n`);
});
process.on('disconnect', () => process.exit(0));
