import type { ElementDefinition } from '@hub/element-sdk';
import { parseDatePattern, parseUrlMacros } from './date-macros';

/** One resource's entry of event.poller.configuration (the old platform's format). */
export interface PollerResourceConfiguration {
  readonly url: string;
  readonly idField: string;
  readonly filterByUpdatedDate?: boolean;
  readonly datesConfiguration?: {
    readonly updatedDateField?: string;
    readonly updatedDateFormat?: string;
    readonly updatedDateTimezone?: string;
    readonly createdDateField?: string;
    readonly createdDateFormat?: string;
    readonly createdDateTimezone?: string;
  };
  readonly createdCheckTolerance?: number;
  readonly pageSize?: number;
  readonly pollDelay?: number;
}

const KNOWN = new Set(['url', 'idField', 'filterByUpdatedDate', 'datesConfiguration', 'createdCheckTolerance', 'pageSize', 'pollDelay']);
const DATE_KEYS = new Set([
  'updatedDateField',
  'updatedDateFormat',
  'updatedDateTimezone',
  'createdDateField',
  'createdDateFormat',
  'createdDateTimezone',
]);

/**
 * Checks a poller configuration (already known to be a JSON object) against the element: keys
 * are resources it has, each entry has a hub URL with well-formed macros and an idField.
 * Returns the problems, each naming where it is.
 */
export function pollerConfigurationProblems(json: string, element: ElementDefinition): string[] {
  const config = JSON.parse(json) as Record<string, unknown>;
  const problems: string[] = [];
  const resources = element.resources.map((r) => r.name);
  if (Object.keys(config).length === 0) problems.push('names no resource to poll');
  for (const [resource, raw] of Object.entries(config)) {
    const where = `'${resource}'`;
    const descriptor = element.resources.find((r) => r.name === resource);
    if (!descriptor) {
      problems.push(`${where} is not a resource of element '${element.metadata.key}' (resources: ${resources.join(', ')})`);
      continue;
    }
    if (!descriptor.operations.includes('list')) problems.push(`${where} cannot be listed, so it cannot be polled`);
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
      problems.push(`${where} must be an object with url and idField`);
      continue;
    }
    const entry = raw as Record<string, unknown>;
    for (const key of Object.keys(entry)) if (!KNOWN.has(key)) problems.push(`${where}.${key} is not a poller setting (known: ${[...KNOWN].join(', ')})`);
    if (typeof entry['url'] !== 'string' || !entry['url'].startsWith(`/hubs/${element.metadata.hub}/${resource}`)) {
      problems.push(`${where}.url must be a hub URL of that resource, starting /hubs/${element.metadata.hub}/${resource}`);
    } else {
      const macros = parseUrlMacros(entry['url']);
      for (const problem of macros) if (typeof problem === 'string') problems.push(`${where}.url: ${problem}`);
    }
    if (typeof entry['idField'] !== 'string' || entry['idField'] === '') problems.push(`${where}.idField must name the records' id field (e.g. ${descriptor.idField})`);
    if (entry['filterByUpdatedDate'] !== undefined && typeof entry['filterByUpdatedDate'] !== 'boolean') problems.push(`${where}.filterByUpdatedDate must be true or false`);
    for (const key of ['createdCheckTolerance', 'pollDelay'] as const) {
      const value = entry[key];
      if (value !== undefined && !(typeof value === 'number' && Number.isInteger(value) && value >= 0)) problems.push(`${where}.${key} must be a whole number of seconds, 0 or more`);
    }
    const pageSize = entry['pageSize'];
    if (pageSize !== undefined && !(typeof pageSize === 'number' && Number.isInteger(pageSize) && pageSize >= 1)) problems.push(`${where}.pageSize must be a positive integer`);
    const dates = entry['datesConfiguration'];
    if (dates !== undefined) {
      if (dates === null || typeof dates !== 'object' || Array.isArray(dates)) {
        problems.push(`${where}.datesConfiguration must be an object`);
      } else {
        for (const [key, value] of Object.entries(dates as Record<string, unknown>)) {
          if (!DATE_KEYS.has(key)) problems.push(`${where}.datesConfiguration.${key} is not a dates setting (known: ${[...DATE_KEYS].join(', ')})`);
          else if (typeof value !== 'string') problems.push(`${where}.datesConfiguration.${key} must be a string`);
          else if (key.endsWith('Format')) {
            const pattern = parseDatePattern(value);
            if (typeof pattern === 'string') problems.push(`${where}.datesConfiguration.${key}: the pattern ${pattern}`);
          }
        }
      }
    }
  }
  return problems;
}
