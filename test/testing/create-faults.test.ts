/**
 * The simulator's faults for lost create answers (`applied-then-drop`, `applied-then-status`) and
 * its list visibility delay (`listVisibilityDelayMs`), at the HTTP level, without the SDK's
 * reconciliation in the way.
 */
import { describe, expect, it } from 'vitest';
import { ExportJobsSimulator } from '../../src/testing/index.js';

const ORG = 'TEST0000000000000000000A@AdobeOrg';
const BASE = 'https://platform.adobe.io/data/core/ups';
const HEADERS = {
  authorization: 'Bearer token',
  'x-api-key': 'key',
  'x-gw-ims-org-id': ORG,
  'x-sandbox-name': 'dev',
  'content-type': 'application/json',
};
const body = JSON.stringify({ destination: { datasetId: 'ds-1' }, schema: { name: '_xdm.context.profile' } });

function create(simulator: ExportJobsSimulator): Promise<Response> {
  return simulator.fetch(`${BASE}/export/jobs`, { method: 'POST', headers: HEADERS, body });
}

async function listed(simulator: ExportJobsSimulator): Promise<number[]> {
  const response = await simulator.fetch(`${BASE}/export/jobs?limit=10`, { headers: HEADERS });
  const { records } = (await response.json()) as { records: Array<{ id: number }> };
  return records.map((record) => record.id);
}

describe('applied-then-drop', () => {
  it('creates the job, then loses the connection', async () => {
    const simulator = new ExportJobsSimulator({ clock: 'manual' });
    const fault = simulator.inject({ kind: 'applied-then-drop' }, { match: { method: 'POST' } });
    await expect(create(simulator)).rejects.toThrow('fetch failed');
    expect(simulator.jobs('dev')).toHaveLength(1);
    expect(fault).toMatchObject({ hits: 1, remaining: 0, fault: { kind: 'applied-then-drop' } });
    expect(simulator.requests[0]).toMatchObject({ method: 'POST', status: 'dropped', faults: ['applied-then-drop'] });
  });

  it("is what a plain drop with when: 'response' does, and refuses when: 'request'", () => {
    const simulator = new ExportJobsSimulator({ clock: 'manual' });
    expect(() => simulator.inject({ kind: 'applied-then-drop' }, { when: 'request' })).toThrow(/always acts first/);
    expect(() => simulator.inject({ kind: 'applied-then-drop' }, { when: 'response' })).not.toThrow();
  });
});

describe('applied-then-status', () => {
  it('creates the job, then answers the status instead', async () => {
    const simulator = new ExportJobsSimulator({ clock: 'manual' });
    simulator.inject({ kind: 'applied-then-status', status: 503, retryAfter: 2 }, { match: { method: 'POST' } });
    const response = await create(simulator);
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('2');
    expect(simulator.jobs('dev')).toHaveLength(1);
    expect(simulator.requests[0]?.faults).toEqual(['applied-then-status']);
  });

  it('can answer a 2xx whose body is not the job', async () => {
    const simulator = new ExportJobsSimulator({ clock: 'manual' });
    simulator.inject({ kind: 'applied-then-status', status: 200, body: '{"id":' }, { match: { method: 'POST' } });
    const response = await create(simulator);
    expect([response.status, await response.text()]).toEqual([200, '{"id":']);
    expect(simulator.jobs('dev')).toHaveLength(1);
  });

  it('checks the status like a status fault', () => {
    const simulator = new ExportJobsSimulator({ clock: 'manual' });
    expect(() => simulator.inject({ kind: 'applied-then-status', status: 99 })).toThrow(RangeError);
  });

  it('names the new kinds when the kind is unknown', () => {
    const simulator = new ExportJobsSimulator({ clock: 'manual' });
    expect(() => simulator.inject({ kind: 'explode' } as never)).toThrow(
      /'applied-then-drop' or 'applied-then-status'/,
    );
  });
});

describe('listVisibilityDelayMs', () => {
  it('keeps a new job out of listings until the delay has passed; reading it by id works at once', async () => {
    const simulator = new ExportJobsSimulator({ clock: 'manual', listVisibilityDelayMs: 4_000 });
    const old = simulator.addJob(JSON.parse(body), {
      sandboxName: 'dev',
      orgId: ORG,
      createdAt: simulator.now() - 60_000,
    });
    const { id } = (await (await create(simulator)).json()) as { id: number };
    expect(await listed(simulator)).toEqual([old.id]);
    const byId = await simulator.fetch(`${BASE}/export/jobs/${id}`, { headers: HEADERS });
    expect(byId.status).toBe(200);
    expect(simulator.jobs('dev').map((job) => job.id)).toEqual([id, old.id]);
    simulator.advance(3_999);
    expect(await listed(simulator)).toEqual([old.id]);
    simulator.advance(1);
    expect(await listed(simulator)).toEqual([id, old.id]);
  });

  it('applies to status-filtered listings too', async () => {
    const simulator = new ExportJobsSimulator({ clock: 'manual', listVisibilityDelayMs: 1_000 });
    await create(simulator);
    const page = async () =>
      (
        (await (await simulator.fetch(`${BASE}/export/jobs?status=NEW`, { headers: HEADERS })).json()) as {
          records: unknown[];
        }
      ).records;
    expect(await page()).toHaveLength(0);
    simulator.advance(1_000);
    expect(await page()).toHaveLength(1);
  });

  it('refuses a negative or infinite delay', () => {
    expect(() => new ExportJobsSimulator({ listVisibilityDelayMs: -1 })).toThrow(/listVisibilityDelayMs/);
    expect(() => new ExportJobsSimulator({ listVisibilityDelayMs: Infinity })).toThrow(/listVisibilityDelayMs/);
  });
});

describe('Date header', () => {
  it("sends the simulator's own time, so a client can tell how far its clock is from the server's", async () => {
    const simulator = new ExportJobsSimulator({ clock: { mode: 'manual', start: Date.UTC(2024, 0, 1, 12) } });
    const response = await simulator.fetch(`${BASE}/export/jobs`, { headers: HEADERS });
    expect(response.headers.get('date')).toBe('Mon, 01 Jan 2024 12:00:00 GMT');
  });
});
