import { stripVTControlCharacters } from 'node:util';

// Whatever a server sends is shown to people only after this: an escape sequence in a job's
// field could otherwise recolour the terminal, rewrite its title or hide text (terminal
// injection). C0 and C1 controls, DEL and the bidirectional overrides ("Trojan Source") go too.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** Server text for one line of a terminal: escape sequences and controls removed, line breaks and tabs as spaces. */
export function cleanLine(text: string): string {
  return stripVTControlCharacters(text)
    .replace(CONTROLS, '')
    .replace(/[\t\n]/g, ' ');
}

/** Server text that may span lines (an error message): escape sequences and controls removed. */
export function cleanText(text: string): string {
  return stripVTControlCharacters(text).replace(CONTROLS, '').replace(/\t/g, ' ');
}

/** How many terminal columns `text` (without escape sequences) takes: wide East Asian characters and emoji take two. */
export function displayWidth(text: string): number {
  let width = 0;
  for (const char of text) width += charWidth(char.codePointAt(0)!);
  return width;
}

function charWidth(code: number): number {
  // Combining marks and zero-width characters take no column.
  if ((code >= 0x300 && code <= 0x36f) || code === 0x200b || code === 0x200d || (code >= 0xfe00 && code <= 0xfe0f))
    return 0;
  const wide =
    (code >= 0x1100 && code <= 0x115f) ||
    (code >= 0x2e80 && code <= 0xa4cf) ||
    (code >= 0xac00 && code <= 0xd7a3) ||
    (code >= 0xf900 && code <= 0xfaff) ||
    (code >= 0xfe30 && code <= 0xfe4f) ||
    (code >= 0xff00 && code <= 0xff60) ||
    (code >= 0xffe0 && code <= 0xffe6) ||
    (code >= 0x1f300 && code <= 0x1faff) ||
    (code >= 0x20000 && code <= 0x3fffd);
  return wide ? 2 : 1;
}

/** `text` cut to `width` columns, ending with `…` when cut. */
export function truncate(text: string, width: number): string {
  if (displayWidth(text) <= width) return text;
  if (width <= 0) return '';
  let result = '';
  let used = 0;
  for (const char of text) {
    const next = charWidth(char.codePointAt(0)!);
    if (used + next > width - 1) break;
    result += char;
    used += next;
  }
  return `${result}…`;
}

/** `text` padded with spaces to `width` columns. */
export function pad(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - displayWidth(text)));
}
