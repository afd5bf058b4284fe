import colors from 'yoctocolors';
import { displayWidth, pad, truncate } from './sanitize.js';

/** One column of a table: its cells are plain text (already cleaned); `colour` styles a cell after it is fitted. */
export interface Column {
  header: string;
  cells: string[];
  /** Lower is dropped first when even truncated columns do not fit. */
  priority: number;
  /** Whether cells may be cut (with `…`) to fit; ids and statuses are never cut. */
  truncate: boolean;
  /** The least width a cut column keeps. */
  min?: number;
  colour?: (cell: string, row: number) => string;
}

const GAP = 2;

/**
 * A compact table as `gh` prints one: no borders, no separators between rows, columns two spaces
 * apart. With a `width` (a terminal's), the widest truncatable columns are cut first; when even
 * that is not enough, the lowest-priority columns are dropped. Without one (a pipe), nothing is cut.
 */
export function renderTable(
  columns: readonly Column[],
  options: { width?: number | undefined; style: boolean },
): string {
  let shown = [...columns];
  let widths = shown.map(naturalWidth);
  if (options.width !== undefined) {
    for (;;) {
      const fitted = fit(shown, widths, options.width);
      if (fitted) {
        widths = fitted;
        break;
      }
      if (shown.length <= 1) break;
      // Drop the lowest-priority column (the last one on a tie) and try again.
      const drop = shown.reduce(
        (lowest, column, index) => (column.priority <= shown[lowest]!.priority ? index : lowest),
        0,
      );
      shown = shown.filter((_, index) => index !== drop);
      widths = shown.map(naturalWidth);
    }
  }
  const rows = shown[0]?.cells.length ?? 0;
  const line = (cells: string[]) => cells.join(' '.repeat(GAP)).trimEnd();
  const head = line(
    shown
      .map((column, index) => pad(column.header, index === shown.length - 1 ? 0 : widths[index]!))
      .map((cell) => (options.style ? colors.bold(cell) : cell)),
  );
  const body: string[] = [];
  for (let row = 0; row < rows; row++) {
    body.push(
      line(
        shown.map((column, index) => {
          const cell = truncate(column.cells[row] ?? '', widths[index]!);
          const padded = pad(cell, index === shown.length - 1 ? 0 : widths[index]!);
          // Colour what was fitted, so escape codes never count as width or get cut in half.
          return options.style && column.colour ? padded.replace(cell, column.colour(cell, row)) : padded;
        }),
      ),
    );
  }
  return `${[head, ...body].join('\n')}\n`;
}

function naturalWidth(column: Column): number {
  return Math.max(displayWidth(column.header), ...column.cells.map(displayWidth));
}

/** Widths that fit `width` by cutting truncatable columns, widest first; undefined when they cannot. */
function fit(columns: readonly Column[], natural: readonly number[], width: number): number[] | undefined {
  const widths = [...natural];
  const total = () => widths.reduce((sum, value) => sum + value, 0) + GAP * (widths.length - 1);
  let over = total() - width;
  while (over > 0) {
    // The widest column that may still shrink gives one column at a time.
    let widest = -1;
    for (let index = 0; index < columns.length; index++) {
      const column = columns[index]!;
      const least = Math.max(column.min ?? 6, Math.min(displayWidth(column.header), natural[index]!));
      if (column.truncate && widths[index]! > least && (widest === -1 || widths[index]! > widths[widest]!))
        widest = index;
    }
    if (widest === -1) return undefined;
    widths[widest] = widths[widest]! - 1;
    over--;
  }
  return widths;
}
