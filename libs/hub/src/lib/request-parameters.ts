import { BadRequestError, type ParameterSpec } from '@hub/element-sdk';
import { summarizeProblems } from '@hub/http';

/**
 * What to do with a parameter the resource does not declare: `refuse` (strict mode, and common objects
 * without passThrough.toVendor) makes it a 400 naming it; `forward` passes it on as it came (vendors that
 * ignore what an endpoint does not take); `drop` leaves it out. Forwarded and dropped ones are written to
 * `ignored`, for the Elements-Warning header and the trace.
 */
export interface UnknownParameterPolicy {
  readonly unknown: 'refuse' | 'forward' | 'drop';
  readonly ignored: string[];
  /** Why unknown parameters are refused, appended to the 400 (e.g. the strict setting that asks for it). */
  readonly refusal?: string;
}

/** Names that would reach an object's prototype if written as a property: never forwarded. */
const UNSAFE_NAMES = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Checks what a client sent against what a resource declares, before the vendor is called:
 * missing required ones and values of the wrong type are a 400 naming the first few, and so are
 * unknown names when the policy refuses them (the default). Values are normalized to what vendors
 * take in forms: strings, or lists of strings.
 */
export function checkParameters(
  specs: readonly ParameterSpec[],
  given: Readonly<Record<string, unknown>>,
  where: 'query' | 'body',
  policy: UnknownParameterPolicy = { unknown: 'refuse', ignored: [] },
): Record<string, string | string[]> {
  const byName = new Map(specs.map((s) => [s.name, s]));
  const problems: string[] = [];
  const unknown: string[] = [];
  const out: Record<string, string | string[]> = {};
  const known = specs.map((s) => s.name).join(', ');
  for (const [name, value] of Object.entries(given)) {
    const spec = byName.get(name);
    if (!spec) {
      unknown.push(name);
      if (policy.unknown === 'refuse') {
        problems.push(`unknown ${where} parameter '${name}'${known ? ` (accepted: ${known})` : ' (none accepted)'}`);
        continue;
      }
      const forwarded = policy.unknown === 'forward' && !UNSAFE_NAMES.has(name) ? asFormValue(value) : undefined;
      if (forwarded !== undefined) out[name] = forwarded;
      policy.ignored.push(`ignored ${where} parameter ${quoted(name)}`);
      continue;
    }
    const result = normalize(spec, value);
    if (typeof result === 'object' && 'problem' in result) problems.push(`${where} parameter '${name}' ${result.problem}`);
    else if (result !== undefined) out[name] = result;
  }
  for (const spec of specs) {
    if (spec.required && out[spec.name] === undefined) problems.push(`${where} parameter '${spec.name}' is required`);
  }
  if (problems.length > 0) {
    const refusedUnknown = policy.unknown === 'refuse' && unknown.length > 0 && policy.refusal;
    throw new BadRequestError(summarizeProblems(problems) + (refusedUnknown ? ` (${policy.refusal})` : ''));
  }
  return out;
}

/** An unknown parameter's value as a form takes it: text, or a list of texts; anything else is not forwarded. */
function asFormValue(value: unknown): string | string[] | undefined {
  const scalar = (v: unknown) => (typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined);
  if (Array.isArray(value)) {
    const items = value.map(scalar);
    return items.every((i): i is string => i !== undefined) ? items : undefined;
  }
  return scalar(value);
}

/**
 * A client's parameter name, quoted for a response header: printable ASCII as it is, anything else
 * (control characters, quotes, non-ASCII) escaped, long names cut.
 */
export function quoted(name: string): string {
  const escaped = [...name.slice(0, 64)]
    .map((ch) => {
      const code = ch.codePointAt(0) ?? 0;
      return code >= 0x20 && code < 0x7f && ch !== "'" && ch !== '\\' ? ch : `\\u{${code.toString(16)}}`;
    })
    .join('');
  return `'${escaped}${name.length > 64 ? '...' : ''}'`;
}

function normalize(spec: ParameterSpec, value: unknown): string | string[] | undefined | { problem: string } {
  if (value === undefined || value === null) return undefined;
  if (spec.type === 'string[]') {
    const items = Array.isArray(value) ? value : [value];
    if (!items.every((v) => typeof v === 'string')) return { problem: 'must be a string or a list of strings' };
    return items as string[];
  }
  if (Array.isArray(value)) return { problem: 'was given more than once' };
  let text: string;
  switch (spec.type) {
    case 'integer':
      if (!(typeof value === 'number' && Number.isInteger(value)) && !(typeof value === 'string' && /^-?\d+$/.test(value))) {
        return { problem: 'must be an integer' };
      }
      text = String(value);
      break;
    case 'boolean':
      if (typeof value === 'boolean') text = String(value);
      else if (typeof value === 'string' && /^(true|false)$/i.test(value)) text = value.toLowerCase();
      else return { problem: 'must be true or false' };
      break;
    case 'date':
      if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(value) || Number.isNaN(Date.parse(value.slice(0, 10)))) {
        return { problem: 'must be a date: YYYY-MM-DD or an ISO 8601 date-time' };
      }
      text = value;
      break;
    case 'url':
      if (typeof value !== 'string' || !/^https?:\/\/[^\s]+$/i.test(value)) return { problem: 'must be an absolute http(s) URL' };
      text = value;
      break;
    default:
      if (typeof value === 'string') text = value;
      else if (typeof value === 'number' || typeof value === 'boolean') text = String(value);
      else return { problem: 'must be a string' };
  }
  if (spec.allowedValues && !spec.allowedValues.includes(text)) return { problem: `must be one of ${spec.allowedValues.join(', ')}` };
  if (spec.pattern && !spec.pattern.test(text)) return { problem: `does not have the expected form (${spec.description})` };
  return text;
}
