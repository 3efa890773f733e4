import {
  BadRequestError,
  COMMON_CONFIGURATION_KEYS,
  type CommonConfigurationKey,
  type ConfigurationDescriptor,
  type ElementDefinition,
  type ResolvedConfiguration,
} from '@hub/element-sdk';
import { COMMON_DESCRIPTORS } from './common-descriptors';
import { pollerConfigurationProblems } from './poller-configuration';

export const MASK = '********';

/** The instance setting that makes hub calls refuse parameters their resource does not take (strict mode). */
export const STRICT_PARAMETERS_KEY = 'request.parameters.strict';

/** Common keys that every element gets whether or not it lists them. */
const UNIVERSAL_KEYS: readonly CommonConfigurationKey[] = ['filter.response.nulls', STRICT_PARAMETERS_KEY];

/** All descriptors of an element: its own, then the common ones it supports with its defaults. */
export function descriptorsOf(element: ElementDefinition): ConfigurationDescriptor[] {
  const common = COMMON_CONFIGURATION_KEYS.filter(
    (key) => key in element.commonConfiguration || UNIVERSAL_KEYS.includes(key),
  ).map((key) => {
    const base = COMMON_DESCRIPTORS[key];
    const defaults = element.commonConfiguration;
    return key in defaults ? { ...base, default: defaults[key] ?? null } : base;
  });
  return [...element.configuration, ...common];
}

export interface ConfigurationProblem {
  readonly key: string;
  readonly problem: string;
}

/**
 * Turns client input into stored values: every value a string or null, booleans as
 * "true"/"false", aliases normalized. `mode: 'full'` checks required entries (provisioning,
 * PUT); `'partial'` checks only what is given (PATCH) against the values already stored.
 * Every problem is reported at once in one 400 that names each key and its rule.
 */
export function validateConfiguration(
  element: ElementDefinition,
  input: unknown,
  options: { mode: 'full' | 'partial'; current?: Readonly<Record<string, string | null>> },
): Record<string, string | null> {
  if (input === undefined || input === null) input = {};
  if (typeof input !== 'object' || Array.isArray(input)) {
    throw new BadRequestError('configuration must be an object of key/value entries');
  }
  const descriptors = descriptorsOf(element);
  const byKey = new Map(descriptors.map((d) => [d.key, d]));
  const problems: ConfigurationProblem[] = [];
  const values: Record<string, string | null> = {};

  for (const [key, raw] of Object.entries(input as Record<string, unknown>)) {
    const descriptor = byKey.get(key);
    if (!descriptor) {
      problems.push({ key, problem: `is not a configuration entry of element '${element.metadata.key}'` });
      continue;
    }
    // A client that round-trips a GET sends secrets back masked: that means "keep it".
    if (descriptor.secret && raw === MASK && options.current?.[key] != null) {
      values[key] = options.current[key];
      continue;
    }
    const result = normalizeValue(descriptor, raw);
    if ('problem' in result) problems.push({ key, problem: result.problem });
    else values[key] = result.value;
  }

  if (options.mode === 'full') {
    const missing = descriptors
      .filter((d) => d.required && (values[d.key] === undefined || values[d.key] === null))
      .map((d) => d.key);
    if (missing.length > 0) {
      problems.unshift({ key: missing.join(', '), problem: 'missing required configuration' });
    }
  } else {
    for (const d of descriptors) {
      if (d.required && d.key in values && values[d.key] === null) {
        problems.push({ key: d.key, problem: 'is required and cannot be cleared' });
      }
    }
  }

  const merged = resolveConfiguration(descriptors, { ...(options.current ?? {}), ...values });
  problems.push(...crossKeyProblems(element, merged, values));

  if (problems.length > 0) throw configurationError(problems);
  return values;
}

function configurationError(problems: readonly ConfigurationProblem[]): BadRequestError {
  const missing = problems.find((p) => p.problem === 'missing required configuration');
  const parts = problems.map((p) =>
    p === missing ? `Missing required configuration entries: ${p.key}` : `configuration '${p.key}' ${p.problem}`,
  );
  // The first few, as the validation pipe does: thousands of unknown keys get a short answer.
  const named = parts.slice(0, 5).join('; ');
  return new BadRequestError(parts.length > 5 ? `${named}; and ${parts.length - 5} more problem${parts.length === 6 ? '' : 's'}` : named);
}

function normalizeValue(
  descriptor: ConfigurationDescriptor,
  raw: unknown,
): { value: string | null } | { problem: string } {
  if (raw === null) return { value: null };
  let text: string;
  switch (descriptor.type) {
    case 'json':
      if (typeof raw === 'object') {
        if (Array.isArray(raw)) return { problem: 'must be a JSON object, not a list' };
        text = JSON.stringify(raw);
      } else if (typeof raw === 'string') {
        try {
          const parsed: unknown = JSON.parse(raw);
          if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return { problem: 'must be a JSON object' };
        } catch {
          return { problem: 'must be valid JSON' };
        }
        text = raw;
      } else return { problem: 'must be a JSON object or a string holding one' };
      break;
    case 'boolean':
      if (typeof raw === 'boolean') text = String(raw);
      else if (typeof raw === 'string' && /^(true|false)$/i.test(raw.trim())) text = raw.trim().toLowerCase();
      else return { problem: 'must be a boolean ("true" or "false")' };
      break;
    case 'integer': {
      const candidate = typeof raw === 'number' ? String(raw) : typeof raw === 'string' ? raw.trim() : undefined;
      if (candidate === undefined || !/^-?\d+$/.test(candidate)) return { problem: 'must be an integer' };
      const n = Number(candidate);
      const minimum = descriptor.minimum ?? (descriptor.allowedValues ? undefined : 1);
      if (minimum !== undefined && n < minimum) return { problem: `must be an integer of at least ${minimum}` };
      text = String(n);
      break;
    }
    default:
      if (typeof raw === 'string') text = raw;
      else if (typeof raw === 'number' || typeof raw === 'boolean') text = String(raw);
      else return { problem: 'must be a string' };
  }
  if (descriptor.aliases && text in descriptor.aliases) text = descriptor.aliases[text];
  if (descriptor.allowedValues && !descriptor.allowedValues.includes(text)) {
    return { problem: `must be one of ${descriptor.allowedValues.join(', ')}` };
  }
  if (descriptor.type === 'url' || descriptor.validate) {
    if (text === '' && !descriptor.required) return { value: null };
    const problem = descriptor.validate?.(text) ?? null;
    if (problem) return { problem };
  }
  if (descriptor.required && text.trim() === '') return { problem: 'must not be empty' };
  return { value: text };
}

function crossKeyProblems(
  element: ElementDefinition,
  merged: ResolvedConfiguration,
  given: Readonly<Record<string, string | null>>,
): ConfigurationProblem[] {
  const problems: ConfigurationProblem[] = [];
  const vendorType = merged['event.vendor.type'];
  if ('event.vendor.type' in given && vendorType && !element.metadata.events.methods.includes(vendorType as 'polling')) {
    const methods = element.metadata.events.methods;
    problems.push({
      key: 'event.vendor.type',
      problem: `'${vendorType}' is not supported by element '${element.metadata.key}' (supported: ${methods.join(', ') || 'none'})`,
    });
  }
  const poller = given['event.poller.configuration'];
  if (poller) {
    for (const problem of pollerConfigurationProblems(poller, element)) {
      problems.push({ key: 'event.poller.configuration', problem: `is invalid: ${problem}` });
    }
  }
  if (merged['event.notification.enabled'] === 'true' && !merged['event.notification.callback.url']) {
    problems.push({
      key: 'event.notification.callback.url',
      problem: 'is required when event.notification.enabled is true',
    });
  }
  return problems;
}

/** Stored values with element defaults merged in: what the instance runs with. */
export function resolveConfiguration(
  descriptors: readonly ConfigurationDescriptor[],
  stored: Readonly<Record<string, string | null>>,
): ResolvedConfiguration {
  const resolved: Record<string, string | null> = {};
  for (const d of descriptors) resolved[d.key] = d.default ?? null;
  for (const [k, v] of Object.entries(stored)) resolved[k] = v ?? (descriptors.find((d) => d.key === k)?.default ?? null);
  return resolved;
}

/** The configuration as the API shows it: secrets replaced with "********". */
export function maskConfiguration(
  descriptors: readonly ConfigurationDescriptor[],
  resolved: ResolvedConfiguration,
): Record<string, string | null> {
  const secret = new Set(descriptors.filter((d) => d.secret).map((d) => d.key));
  const masked: Record<string, string | null> = {};
  for (const [k, v] of Object.entries(resolved)) masked[k] = secret.has(k) && v !== null ? MASK : v;
  return masked;
}

/** Keys whose values must be encrypted at rest. */
export function secretKeysOf(element: ElementDefinition): Set<string> {
  return new Set(descriptorsOf(element).filter((d) => d.secret).map((d) => d.key));
}
