import { BadRequestError, type ParameterSpec } from '@hub/element-sdk';
import { summarizeProblems } from '@hub/http';


/**
 * Checks what a client sent against what a resource declares, before the vendor is called:
 * unknown names, missing required ones and values of the wrong type are a 400 naming the first few.
 * Values are normalized to what vendors take in forms: strings, or lists of strings.
 */
export function checkParameters(
  specs: readonly ParameterSpec[],
  given: Readonly<Record<string, unknown>>,
  where: 'query' | 'body',
): Record<string, string | string[]> {
  const byName = new Map(specs.map((s) => [s.name, s]));
  const problems: string[] = [];
  const out: Record<string, string | string[]> = {};
  const known = specs.map((s) => s.name).join(', ');
  for (const [name, value] of Object.entries(given)) {
    const spec = byName.get(name);
    if (!spec) {
      problems.push(`unknown ${where} parameter '${name}'${known ? ` (accepted: ${known})` : ' (none accepted)'}`);
      continue;
    }
    const result = normalize(spec, value);
    if (typeof result === 'object' && 'problem' in result) problems.push(`${where} parameter '${name}' ${result.problem}`);
    else if (result !== undefined) out[name] = result;
  }
  for (const spec of specs) {
    if (spec.required && out[spec.name] === undefined) problems.push(`${where} parameter '${spec.name}' is required`);
  }
  if (problems.length > 0) throw new BadRequestError(summarizeProblems(problems));
  return out;
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
