/**
 * The dates that bound a reports period (`--since`/`--until` on the command
 * line, `since`/`until` of the MCP tool): YYYY-MM-DD (UTC; the end of a period
 * takes the whole day) or an ISO 8601 date-time with its zone.
 */

/** Seconds since the epoch, or undefined when `text` is not such a date. */
export function parsePeriodDate(text: string, endOfDay: boolean): number | undefined {
  const value = text.trim();
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const ms = Date.parse(`${value}T00:00:00Z`);
    if (Number.isFinite(ms)) return Math.floor(ms / 1000) + (endOfDay ? 86399 : 0);
  } else if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(value)) {
    const ms = Date.parse(value);
    if (Number.isFinite(ms)) return Math.floor(ms / 1000);
  }
  return undefined;
}

/** The one-line refusal of a date that `parsePeriodDate` did not read; `name` is the flag or field. */
export function periodDateError(name: string, text: string): string {
  return `${name} "${text}" is not a date. Use YYYY-MM-DD or an ISO 8601 date-time such as 2026-11-01T00:00:00Z`;
}
