import { BadRequestError, type ElementDefinition, type ResourceDescriptor, type VendorRecord } from '@hub/element-sdk';
import type { HubCall } from '@hub/runtime';
import { checkParameters, type UnknownParameterPolicy } from '../request-parameters';
import type { CallTarget } from './resolve';

/** Query parameters the hub owns (paging, CEQL); every other one belongs to the resource. */
export const HUB_PARAMETERS: ReadonlySet<string> = new Set(['pageSize', 'page', 'nextPage', 'where', 'fields', 'orderBy']);

/** Stage 2's answer: the resource's own parameters, checked, and what was ignored on the way. */
export interface CheckedParameters {
  /** Query parameters for the vendor (checked ones normalized; unknown ones as they came when passed on). */
  readonly query: Record<string, string | string[]>;
  /** Passed on unchecked: not part of what a page token is bound to (a cache buster `_` changes every call). */
  readonly unchecked: Set<string>;
  readonly body: VendorRecord;
  /** `ignored query parameter 'x'`…, for Elements-Warning and the trace; the plan stage may add to it. */
  readonly ignored: string[];
  /** Why unknown parameters are refused (strict mode, a common object's rules), if they are. */
  readonly refusal?: string;
}

/**
 * Stage 2: the parameters a resource does not declare are refused when `refusal` says why, else passed
 * on (lists and writes of an element whose vendor ignores unknown parameters) or dropped (Twilio's
 * fetches take no query parameters); known ones are checked and normalized, before the vendor is called.
 */
export function checkCallParameters(element: ElementDefinition, target: CallTarget, call: HubCall, refusal: string | undefined): CheckedParameters {
  const { resource, operation } = target;
  const ignored: string[] = [];
  const policy = (passesOn: boolean): UnknownParameterPolicy =>
    refusal !== undefined ? { unknown: 'refuse', ignored, refusal } : { unknown: passesOn ? element.unknownParameters : 'drop', ignored };
  const rawQuery: Record<string, string | string[]> = {};
  for (const k in call.query) {
    const v = call.query[k];
    if (v !== undefined && !HUB_PARAMETERS.has(k) && Object.hasOwn(call.query, k)) rawQuery[k] = v;
  }
  const querySpecs = operation === 'list' || operation === 'get' ? resource.parameters[operation] : undefined;
  const query = checkParameters(querySpecs ?? [], rawQuery, 'query', policy(operation === 'list'));
  const unchecked = new Set<string>();
  for (const name in query) if (!querySpecs?.some((p) => p.name === name)) unchecked.add(name);
  const body = operation === 'create' || operation === 'update' ? bodyOf(call.body, resource, operation, policy(true)) : {};
  return { query, unchecked, body, ignored, refusal };
}

function bodyOf(body: unknown, resource: ResourceDescriptor, operation: 'create' | 'update', policy: UnknownParameterPolicy): VendorRecord {
  if (body === undefined || body === null) body = {};
  if (typeof body !== 'object' || Array.isArray(body)) throw new BadRequestError('the request body must be a JSON object');
  return checkParameters(resource.parameters[operation] ?? [], body as Record<string, unknown>, 'body', policy);
}

/** A query parameter given at most once. */
export function singleParameter(query: HubCall['query'], name: string): string | undefined {
  const value = query[name];
  if (Array.isArray(value)) throw new BadRequestError(`query parameter '${name}' was given more than once`);
  return value;
}

/** At most this many ignored parameters are named in Elements-Warning (the rest are counted). */
const MAX_WARNINGS = 20;

/** Elements-Warning: what the hub ignored, comma separated, at most MAX_WARNINGS named. */
export function warningOf(ignored: readonly string[]): string {
  const named = ignored.slice(0, MAX_WARNINGS).join(', ');
  return ignored.length > MAX_WARNINGS ? `${named}, and ${ignored.length - MAX_WARNINGS} more` : named;
}
