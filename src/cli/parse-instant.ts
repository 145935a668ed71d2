import { ValidationError } from '../errors.js';

/** Parses an ISO 8601 date or date-time into ms since the epoch, naming the option when it cannot. */
export function parseInstant(value: string, option: string): number {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new ValidationError(`${option} must be an ISO 8601 date or date-time; got "${value}".`, { field: option });
  return ms;
}
