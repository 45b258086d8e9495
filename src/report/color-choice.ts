/**
 * Whether a report is coloured. Apart from ./style.ts (which holds chalk), so
 * that a run whose output is not coloured (JSON, a file, a pipe) decides it
 * without loading chalk.
 */

export interface ColorEnvironment {
  /** --color (true), --no-color (false), or neither (undefined). */
  flag?: boolean;
  env: Readonly<Record<string, string | undefined>>;
  /** Whether the destination of the report is a terminal. */
  isTTY: boolean;
}

/**
 * Whether to colour: an explicit flag wins, then NO_COLOR (any non-empty
 * value: no colour), then FORCE_COLOR (non-empty and not 0/false: colour),
 * then colour only on a TTY. TERM=dumb counts as no TTY.
 */
export function shouldColor({ flag, env, isTTY }: ColorEnvironment): boolean {
  if (flag !== undefined) return flag;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  const force = env.FORCE_COLOR;
  if (force !== undefined) {
    if (force === '0' || force.toLowerCase() === 'false') return false;
    return true;
  }
  if (env.TERM === 'dumb') return false;
  return isTTY;
}
