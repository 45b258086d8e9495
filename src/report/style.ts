/**
 * Terminal styling: the only module that knows about ANSI escape codes.
 * Reporters ask for a Style and call its functions; with colour off every
 * function returns its text unchanged.
 */
import { Chalk } from 'chalk';
import type { CheckStatus, Grade, Severity } from '../schema/report.js';

export type Paint = (text: string) => string;

export interface Style {
  readonly color: boolean;
  bold: Paint;
  dim: Paint;
  /** Code: record lines, ids. */
  code: Paint;
  heading: Paint;
  good: Paint;
  bad: Paint;
  warning: Paint;
  grade(grade: Grade): Paint;
  severity(severity: Severity): Paint;
  status(status: CheckStatus): Paint;
}

const identity: Paint = (text) => text;

/** A Style that colours (16 basic colours, readable on dark and light backgrounds) or not. */
export function createStyle(color: boolean): Style {
  if (!color) {
    return {
      color: false,
      bold: identity,
      dim: identity,
      code: identity,
      heading: identity,
      good: identity,
      bad: identity,
      warning: identity,
      grade: () => identity,
      severity: () => identity,
      status: () => identity,
    };
  }
  const chalk = new Chalk({ level: 1 });
  const bySeverity: Record<Severity, Paint> = {
    critical: (t) => chalk.bold.red(t),
    high: (t) => chalk.red(t),
    medium: (t) => chalk.yellow(t),
    low: (t) => chalk.cyan(t),
    info: (t) => chalk.dim(t),
  };
  const byStatus: Record<CheckStatus, Paint> = {
    pass: (t) => chalk.green(t),
    warn: (t) => chalk.yellow(t),
    fail: (t) => chalk.red(t),
    error: (t) => chalk.magenta(t),
    skipped: (t) => chalk.dim(t),
  };
  return {
    color: true,
    bold: (t) => chalk.bold(t),
    dim: (t) => chalk.dim(t),
    code: (t) => chalk.cyan(t),
    heading: (t) => chalk.bold.underline(t),
    good: (t) => chalk.green(t),
    bad: (t) => chalk.red(t),
    warning: (t) => chalk.yellow(t),
    grade: (grade) => {
      if (grade === 'A+' || grade === 'A') return (t) => chalk.bold.green(t);
      if (grade === 'B' || grade === 'C') return (t) => chalk.bold.yellow(t);
      return (t) => chalk.bold.red(t);
    },
    severity: (severity) => bySeverity[severity],
    status: (status) => byStatus[status],
  };
}

// Where colour is decided (no chalk there: a run without colour never loads it).
export { shouldColor, type ColorEnvironment } from './color-choice.js';
