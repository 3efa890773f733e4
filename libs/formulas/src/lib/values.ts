/**
 * Step execution values are `{key, value}` string pairs (shared/reference/formulas.md §5.2, §5.3):
 * strings as they are (a long numeric-looking id stays text), numbers in decimal, booleans as
 * `true`/`false`, objects and arrays as compact JSON.
 */

export interface StepValue {
  readonly key: string;
  readonly value: string;
}

/** At most this much of one value is stored (a larger one is cut and says so). */
export const MAX_VALUE_LENGTH = 256 * 1024;

export function valueText(value: unknown): string {
  let text: string;
  if (typeof value === 'string') text = value;
  else if (value === undefined || value === null) text = 'null';
  else if (typeof value === 'object') text = JSON.stringify(value);
  else text = String(value);
  return text.length > MAX_VALUE_LENGTH ? `${text.slice(0, MAX_VALUE_LENGTH)}… (${text.length - MAX_VALUE_LENGTH} more characters not stored)` : text;
}

/** One value per top-level key of an output: `<step>.<key>` (scripts, loops, sub-formulas). */
export function topLevelValues(step: string, output: unknown): StepValue[] {
  if (output === null || typeof output !== 'object' || Array.isArray(output)) {
    return output === undefined ? [] : [{ key: step, value: valueText(output) }];
  }
  return Object.entries(output as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .map(([key, v]) => ({ key: `${step}.${key}`, value: valueText(v) }));
}

/** `<step>.request.<field>` and `<step>.response.<field>` (request-type steps). */
export function exchangeValues(step: string, exchange: { request: Record<string, unknown>; response?: Record<string, unknown> }): StepValue[] {
  const values: StepValue[] = [];
  for (const [part, fields] of [['request', exchange.request], ['response', exchange.response]] as const) {
    if (!fields) continue;
    for (const [field, v] of Object.entries(fields)) {
      if (v !== undefined) values.push({ key: `${step}.${part}.${field}`, value: valueText(v) });
    }
  }
  return values;
}
