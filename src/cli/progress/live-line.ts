import { stripVTControlCharacters } from 'node:util';
import { truncate } from '../output/sanitize.js';

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

export interface LiveStream {
  write(text: string): unknown;
  columns?: number | undefined;
}

/**
 * One status line redrawn in place on a terminal, several times a second, so that a clock in it
 * ticks between polls. Written here rather than with a spinner package: those install their own
 * SIGINT handler that exits the process, and the CLI's Ctrl-C handling (cancel the job, print
 * "Interrupted", resume hints) must run instead. The timer is unref'd: it never keeps the process up.
 */
export class LiveLine {
  readonly #stream: LiveStream;
  readonly #render: () => string;
  #timer: NodeJS.Timeout | undefined;
  #frame = 0;

  constructor(stream: LiveStream, render: () => string, interval = 100) {
    this.#stream = stream;
    this.#render = render;
    this.#draw();
    this.#timer = setInterval(() => this.#draw(), interval);
    this.#timer.unref();
  }

  /** Redraws now (after a change), rather than at the next tick. */
  update(): void {
    if (this.#timer) this.#draw();
  }

  /** A line printed above the live one. */
  log(line: string): void {
    if (!this.#timer) return void this.#stream.write(`${line}\n`);
    this.#stream.write(`\r\x1b[2K${line}\n`);
    this.#draw();
  }

  /** Clears the line, leaving `finalLine` in its place when given. */
  stop(finalLine?: string): void {
    if (!this.#timer) return;
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#stream.write(`\r\x1b[2K${finalLine === undefined ? '' : `${finalLine}\n`}`);
  }

  #draw(): void {
    this.#frame = (this.#frame + 1) % FRAMES.length;
    const text = `${FRAMES[this.#frame]} ${this.#render()}`;
    // Never wider than the terminal: a wrapped line cannot be redrawn in place.
    const width = Math.max(10, (this.#stream.columns ?? 80) - 1);
    const plain = stripVTControlCharacters(text);
    this.#stream.write(`\r\x1b[2K${plain.length <= width ? text : truncate(plain, width)}`);
  }
}
