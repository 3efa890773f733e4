import type { ResolvedConfiguration } from '../descriptors';
import type { ElementConnection, ElementDefinition } from '../element';
import { ApiError } from '../errors';
import type {
  ListPage,
  Operation,
  PageRequest,
  ParameterSpec,
  ResourceDescriptor,
  ResourceRequest,
  VendorRecord,
} from '../resources';
import { type ScenarioBody, idOf } from './subject';

/**
 * The configuration the hub would connect with: the element's common-configuration defaults, then
 * its descriptors' defaults, then the given values (as instance-config merges them).
 */
export function withDefaults(element: ElementDefinition, given: ResolvedConfiguration): ResolvedConfiguration {
  const merged: Record<string, string | null> = {};
  for (const [key, value] of Object.entries(element.commonConfiguration)) {
    if (value !== undefined) merged[key] = value;
  }
  for (const descriptor of element.configuration) {
    if (descriptor.default !== undefined) merged[descriptor.key] = descriptor.default;
  }
  return { ...merged, ...given };
}

/** A request as the hub builds one (hub.service.ts): empty query and body, page size 0 unless listing. */
export function requestOf(
  configuration: ResolvedConfiguration,
  parts: { id?: string; body?: ScenarioBody; query?: Readonly<Record<string, string>>; page?: PageRequest },
): ResourceRequest {
  return {
    ...(parts.id !== undefined ? { id: parts.id } : {}),
    query: parts.query ?? {},
    body: parts.body ?? {},
    page: parts.page ?? { pageSize: 0 },
    configuration,
  };
}

/**
 * What the hub's parameter check would refuse in a scenario's body or query: names the resource
 * does not declare for the operation, and declared required ones left out.
 */
export function parameterProblems(
  declared: readonly ParameterSpec[] | undefined,
  given: Readonly<Record<string, unknown>>,
): string[] {
  const specs = declared ?? [];
  const names = new Set(specs.map((s) => s.name));
  const problems: string[] = [];
  for (const name of Object.keys(given)) {
    if (!names.has(name)) problems.push(`'${name}' is not a declared parameter`);
  }
  for (const spec of specs) {
    if (spec.required && given[spec.name] === undefined) problems.push(`required parameter '${spec.name}' is missing`);
  }
  return problems;
}

export function findResource(element: ElementDefinition, name: string): ResourceDescriptor {
  const resource = element.resources.find((r) => r.name === name);
  if (!resource) {
    throw new Error(
      `element '${element.metadata.key}' declares no resource '${name}' (it has: ${element.resources.map((r) => r.name).join(', ')})`,
    );
  }
  return resource;
}

/** The error a call ended with; fails when it succeeded. */
export async function failureOf(work: () => Promise<unknown>): Promise<unknown> {
  try {
    await work();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail, but it succeeded');
}

/** Checks a failure is a ApiError with this status, and returns it. */
export function asHubError(error: unknown, status: number, what: string): ApiError {
  if (!(error instanceof ApiError)) {
    const described = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    throw new Error(`${what}: expected a ApiError with status ${status}, got ${described}`);
  }
  if (error.status !== status) {
    throw new Error(`${what}: expected status ${status}, got ${error.status} (${error.name}: ${error.message})`);
  }
  return error;
}

export async function listPage(
  connection: ElementConnection,
  resource: string,
  configuration: ResolvedConfiguration,
  page: PageRequest,
  query?: Readonly<Record<string, string>>,
): Promise<ListPage> {
  const result = await connection.invoke({
    resourcePath: [resource],
    operation: 'list',
    request: requestOf(configuration, { page, query }),
  });
  if (result.operation !== 'list') throw new Error(`list answered a '${result.operation}' result`);
  return result.page;
}

export async function recordCall(
  connection: ElementConnection,
  resource: string,
  operation: 'get' | 'create' | 'update',
  request: ResourceRequest,
): Promise<VendorRecord> {
  const result = await connection.invoke({ resourcePath: [resource], operation, request });
  if (result.operation !== operation) throw new Error(`${operation} answered a '${result.operation}' result`);
  if (typeof result.record !== 'object' || result.record === null || Array.isArray(result.record)) {
    throw new Error(`${operation} answered a record that is not an object`);
  }
  return result.record;
}

export interface Walk {
  /** Record ids in the order the pages gave them. */
  readonly ids: string[];
  /** Sizes of the pages, in order. */
  readonly pageSizes: number[];
  /** Problems found along the way (a page larger than asked, a record without its id, a cursor loop). */
  readonly problems: string[];
}

/** Follows `cursor` from the first page until a page has none (at most `maxPages` pages). */
export async function walkCursor(
  list: (page: PageRequest) => Promise<ListPage>,
  idField: string,
  pageSize: number,
  maxPages: number,
): Promise<Walk> {
  const walk: Walk = { ids: [], pageSizes: [], problems: [] };
  const cursors = new Set<string>();
  let cursor: string | undefined;
  for (let n = 0; n < maxPages; n++) {
    const page = await list(cursor === undefined ? { pageSize } : { pageSize, cursor });
    collect(walk, page, idField, pageSize, n);
    if (page.cursor === undefined) return walk;
    if (page.records.length === 0) walk.problems.push(`page ${n} is empty but has a cursor`);
    if (cursors.has(page.cursor)) {
      walk.problems.push(`page ${n} repeats an earlier cursor (${page.cursor})`);
      return walk;
    }
    cursors.add(page.cursor);
    cursor = page.cursor;
  }
  walk.problems.push(`still a cursor after ${maxPages} pages`);
  return walk;
}

/** Asks for page 0, 1, 2… until a page is shorter than `pageSize` (at most `maxPages` pages). */
export async function walkPageIndex(
  list: (page: PageRequest) => Promise<ListPage>,
  idField: string,
  pageSize: number,
  maxPages: number,
): Promise<Walk> {
  const walk: Walk = { ids: [], pageSizes: [], problems: [] };
  for (let n = 0; n < maxPages; n++) {
    const page = await list({ pageSize, pageIndex: n });
    collect(walk, page, idField, pageSize, n);
    if (page.records.length < pageSize) return walk;
  }
  walk.problems.push(`page ${maxPages - 1} is still full`);
  return walk;
}

function collect(walk: Walk, page: ListPage, idField: string, pageSize: number, n: number): void {
  if (!Array.isArray(page.records)) {
    walk.problems.push(`page ${n} has no records array`);
    return;
  }
  walk.pageSizes.push(page.records.length);
  if (page.records.length > pageSize) walk.problems.push(`page ${n} has ${page.records.length} records, more than the ${pageSize} asked`);
  page.records.forEach((record, i) => {
    const id = idOf(record, idField);
    if (id === undefined) walk.problems.push(`record ${i} of page ${n} has no '${idField}'`);
    else walk.ids.push(id);
  });
}

/** Ids listed more than once. */
export function duplicates(ids: readonly string[]): string[] {
  const seen = new Set<string>();
  const twice = new Set<string>();
  for (const id of ids) (seen.has(id) ? twice : seen).add(id);
  return [...twice];
}

export const OTHER_OPERATIONS = (declared: readonly Operation[]): Operation[] =>
  (['list', 'get', 'create', 'update', 'delete'] as const).filter((op) => !declared.includes(op));
