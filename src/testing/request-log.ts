/**
 * The simulator's log of the requests it received: what a test reads in `simulator.requests`,
 * with every token and secret redacted, bounded by `requestLogLimit`.
 */
import type { SimulatedFault, SimulatedService } from './faults.js';
import { recordedBody, recordedQuery } from './ims.js';

/** One request the simulator received, for assertions. The bearer token is never kept. */
export interface RecordedRequest {
  /** `GET`, `POST`, `DELETE`... */
  readonly method: string;
  /**
   * The path after the base path, without the query (`/export/jobs/1000`); the full path when
   * outside it, as for the IMS token endpoint (`/ims/token/v3`). Faults' `match.path` is tested on it.
   */
  readonly path: string;
  /** The query parameters (the last value of a repeated one); a `client_secret` reads `[redacted]`. */
  readonly query: Readonly<Record<string, string>>;
  /** The request headers, lower-cased; `authorization` reads `Bearer [redacted]`. */
  readonly headers: Readonly<Record<string, string>>;
  /**
   * The body: parsed JSON, a form (`application/x-www-form-urlencoded`, as sent to IMS) as an object,
   * the raw text otherwise, `undefined` when empty or refused for its size (413). A `client_secret`
   * always reads `[redacted]`.
   */
  readonly body: unknown;
  /** The `x-sandbox-name` header. */
  readonly sandboxName: string | undefined;
  /** The simulator's clock when the request arrived. */
  readonly time: number;
  /** The status answered, or `'dropped'` when the connection was dropped. */
  readonly status: number | 'dropped';
  /** The kinds of the faults applied to it (`['latency', 'status']`), empty when none. */
  readonly faults: readonly SimulatedFault['kind'][];
  /** The service it went to; `undefined` when outside every service's base path. */
  readonly service: SimulatedService | undefined;
}

/** A log entry while its request is being answered: the status and faults are filled in last. */
export interface MutableRecord extends Omit<RecordedRequest, 'status' | 'faults'> {
  status: number | 'dropped';
  faults: SimulatedFault['kind'][];
}

export class RequestLog {
  readonly #limit: number;
  #records: MutableRecord[] = [];

  constructor(limit: number) {
    this.#limit = limit;
  }

  /** Logs a request as it arrives; `text` is its body, `undefined` when it was not read. */
  add(
    request: Request,
    url: URL,
    path: string,
    text: string | undefined,
    service: SimulatedService | undefined,
    time: number,
  ): MutableRecord {
    const headers: Record<string, string> = {};
    request.headers.forEach((value, name) => {
      headers[name] = name === 'authorization' ? redact(value) : value;
    });
    const record: MutableRecord = {
      method: request.method,
      path,
      query: recordedQuery(url.searchParams),
      headers,
      body: text === undefined ? undefined : recordedBody(text, request.headers),
      sandboxName: request.headers.get('x-sandbox-name') ?? undefined,
      time,
      status: 0,
      faults: [],
      service,
    };
    this.#records.push(record);
    if (this.#records.length > this.#limit) this.#records.splice(0, this.#records.length - this.#limit);
    return record;
  }

  /** The logged requests, oldest first, frozen copies. */
  list(): readonly RecordedRequest[] {
    return this.#records.map((record) => Object.freeze({ ...record, faults: [...record.faults] }));
  }

  clear(): void {
    this.#records = [];
  }
}

function redact(authorization: string): string {
  return /^bearer\s/i.test(authorization) ? 'Bearer [redacted]' : '[redacted]';
}
