import statuses from 'statuses';

/**
 * The reason phrase of a status (`404` -> `Not Found`), or `undefined` for an unknown one, from the
 * `statuses` table (the one Express uses): cheaper at start-up than node:http's STATUS_CODES.
 */
export function reasonPhrase(status: number): string | undefined {
  return statuses.message[status];
}
