/** The progress bar of a batch on a terminal (stderr). */
import type { Report } from '../schema/report.js';
import type { WritableLike } from './io.js';

export interface Progress {
  /** One more domain done. */
  tick(report: Report, failing: boolean): void;
  /** Before writing to the same terminal: erase the bar (it is redrawn on the next tick). */
  clear(): void;
  /** The final line. */
  finish(): void;
}

function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** The progress line: bar, done/total, rate, ETA, failing and incomplete domains. */
export function progressLine(state: { done: number; total: number; elapsedMs: number; failing: number; incomplete: number }, width = 80): string {
  const seconds = state.elapsedMs / 1000;
  const rate = seconds > 0 ? state.done / seconds : 0;
  const eta = rate > 0 ? (state.total - state.done) / rate : Number.POSITIVE_INFINITY;
  const tail = ` ${state.done}/${state.total}  ${rate.toFixed(1)}/s  ETA ${state.done === state.total ? '0s' : duration(eta)}  ${state.failing} failing${
    state.incomplete ? `  ${state.incomplete} incomplete` : ''
  }`;
  const barWidth = Math.max(10, Math.min(40, width - tail.length - 3));
  const filled = state.total === 0 ? barWidth : Math.round((barWidth * state.done) / state.total);
  return `[${'#'.repeat(filled)}${'-'.repeat(barWidth - filled)}]${tail}`;
}

/** A progress bar redrawn in place on stderr (a terminal), at most ten times a second. */
export function createProgress(stderr: WritableLike, total: number): Progress {
  const started = Date.now();
  let done = 0;
  let failing = 0;
  let incomplete = 0;
  let lastDraw = 0;
  let shown = false;
  const state = () => ({ done, total, elapsedMs: Date.now() - started, failing, incomplete });
  const draw = () => {
    lastDraw = Date.now();
    shown = true;
    stderr.write(`\r\x1b[2K${progressLine(state(), stderr.columns ?? 80)}`);
  };
  return {
    tick(report, isFailing) {
      done++;
      if (isFailing) failing++;
      if (!report.score.complete) incomplete++;
      if (Date.now() - lastDraw >= 100 || done === total) draw();
    },
    clear() {
      if (shown) stderr.write('\r\x1b[2K');
      shown = false;
    },
    finish() {
      const seconds = (Date.now() - started) / 1000;
      stderr.write(
        `\r\x1b[2K${progressLine(state(), stderr.columns ?? 80)}\naudited ${done} domain${done === 1 ? '' : 's'} in ${seconds.toFixed(1)}s, ${failing} failing\n`,
      );
    },
  };
}
