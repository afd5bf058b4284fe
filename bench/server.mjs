// A loopback server for the benchmarks, run in a child process so that its allocations never
// count in the client's heap or CPU profile. Prints its port on stdout; exits when the parent
// disconnects.
//   GET {BASE}/export/jobs?limit=&offset=   JOBS export jobs newest first, in pages with real-looking
//                                            cursors and a relative `link.next`, as the service does;
//   GET {BASE}/export/jobs/{id}              one job (the same body every time, built once).
import { createServer } from 'node:http';
import { job, listPage } from './fixtures.mjs';

const JOBS = Number(process.env.JOBS ?? 100_000);
const BASE = '/data/core/ups';
const LIST = `${BASE}/export/jobs`;
const oneJob = JSON.stringify(job(4242));

function send(response, body) {
  response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body);
}

const server = createServer((request, response) => {
  const url = new URL(request.url, 'http://localhost');
  const path = url.pathname.replace(/\/+$/, '');
  if (path === LIST) {
    const limit = Number(url.searchParams.get('limit') ?? 20);
    const offset = url.searchParams.get('offset');
    // Ids run JOBS..1, newest first; the cursor is `{creationTime}_{id}` of the page's last record.
    const firstId = offset ? Number(offset.split('_')[1]) - 1 : JOBS;
    send(response, listPage(firstId, limit));
  } else if (path.startsWith(`${LIST}/`) && /^\d+$/.test(path.slice(LIST.length + 1))) {
    send(response, oneJob);
  } else {
    response.writeHead(404).end();
  }
});

server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${server.address().port}\n`);
});
process.on('disconnect', () => process.exit(0));
