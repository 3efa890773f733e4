import type { ResolvedConfiguration } from '../descriptors';
import type { ElementDefinition } from '../element';
import type { Operation, VendorRecord } from '../resources';

/** A value now or later: hooks may be synchronous (an in-process double) or not (a double in another process). */
export type Awaitable<T> = T | Promise<T>;

/**
 * What a subject says instead of a hook when its vendor double cannot produce something.
 * The kit skips the check that needs it and names the reason in the skipped test's title;
 * it never skips a check on its own.
 */
export interface CannotProduce {
  readonly cannotProduce: string;
}

export const cannotProduce = (reason: string): CannotProduce => ({ cannotProduce: reason });

export function isCannotProduce(value: unknown): value is CannotProduce {
  return typeof value === 'object' && value !== null && typeof (value as CannotProduce).cannotProduce === 'string';
}

/**
 * What the subject's setup returns: a running vendor double and the configurations that reach it.
 * Subjects extend it with whatever their hooks need (the double itself, its account).
 */
export interface ConformanceEnvironment {
  /**
   * A configuration of a seeded, working account: the element's own keys. The kit adds the
   * descriptors' defaults and the element's common-configuration defaults for keys left out,
   * as instance-config does before the hub connects.
   */
  readonly configuration: ResolvedConfiguration;
  /** The same account with credentials the vendor rejects (a wrong key or token). */
  readonly rejectedConfiguration: ResolvedConfiguration;
  /** Stops the double (the kit calls it once, after every check). */
  teardown(): Awaitable<void>;
}

/** A vendor error answer for `clientError`: the status, and the vendor's words in its error body. */
export interface VendorErrorAnswer {
  readonly status: number;
  readonly message: string;
}

/**
 * Fault injection into the vendor double. Every hook arms a fault for EVERY vendor request that
 * follows until `clear` is called (an adapter that retries must still see it); the kit calls
 * `clear` after each fault check. A hook the double cannot provide is `cannotProduce('why')`.
 */
export interface VendorFaultHooks<E extends ConformanceEnvironment> {
  /** The vendor answers this 4xx with `message` in its error body. */
  readonly clientError: ((env: E, answer: VendorErrorAnswer) => Awaitable<void>) | CannotProduce;
  /** The vendor answers this 5xx (500, 503). */
  readonly serverError: ((env: E, status: number) => Awaitable<void>) | CannotProduce;
  /** The vendor answers only after `delayMs` (the kit picks it well beyond its short timeout). */
  readonly slow: ((env: E, delayMs: number) => Awaitable<void>) | CannotProduce;
  /** The vendor resets the connection instead of answering. */
  readonly reset: ((env: E) => Awaitable<void>) | CannotProduce;
  /** Removes every armed fault. */
  clear(env: E): Awaitable<void>;
}

/**
 * A request body as the hub hands it to an adapter: the hub checks a client's JSON against the
 * resource's declared parameters and normalizes every value to a string or a list of strings.
 */
export type ScenarioBody = Readonly<Record<string, string | readonly string[]>>;

export interface ScenarioStep {
  readonly body: ScenarioBody;
  /** Fields the returned record must have (a partial match, as Jest's toMatchObject). */
  readonly expect?: Readonly<Record<string, unknown>>;
}

/** The round trip of one top-level resource. */
export interface ResourceScenario<E extends ConformanceEnvironment> {
  /** The resource's name (`messages`). */
  readonly resource: string;
  /**
   * The operations the resource has. The kit checks the descriptor declares exactly these, that
   * each works, and that each other operation is refused with a 405.
   */
  readonly operations: readonly Operation[];
  /** Required when `operations` has `create`. */
  readonly create?: ScenarioStep;
  /** Required when `operations` has `update`. */
  readonly update?: ScenarioStep;
  /** Vendor-native query parameters of the list calls (checked against the declared ones). */
  readonly listQuery?: Readonly<Record<string, string>>;
  /** An id of the vendor's form that names no record: `get` of it must answer 404. */
  readonly missingId?: string;
  /** For a collection without `create`: the id of an existing record (default: the first one listed). */
  existingId?(env: E): Awaitable<string>;
  /**
   * Runs before the delete check, for vendors that refuse to delete a record still in flight
   * (Twilio refuses a message until its delivery is final): e.g. advance the double's clock.
   */
  beforeDelete?(env: E, id: string): Awaitable<void>;
}

/** What `seed` made. */
export interface SeededRecords {
  /** The ids of the seeded records (in any order). */
  readonly ids: readonly string[];
  /**
   * A configuration whose listing holds ONLY the seeded records (a fresh account): the kit then
   * checks the listing is exactly the seeded set. Without it, the seeded records are checked to be
   * listed exactly once among whatever else the account holds.
   */
  readonly configuration?: ResolvedConfiguration;
}

export interface PaginationScenario<E extends ConformanceEnvironment> {
  /** A resource whose descriptor has `list`. */
  readonly resource: string;
  /** Seeds `count` records of the resource at the vendor. */
  seed(env: E, count: number): Awaitable<SeededRecords>;
  /** Records to seed (default 7). */
  readonly count?: number;
  /** Page size of the walk (default 2). */
  readonly pageSize?: number;
  /**
   * Whether the element pages by page number (`pageIndex`) as well as by cursor. Default: the
   * element's `pagination.type` common default is `page`.
   */
  readonly byPageIndex?: boolean;
  readonly listQuery?: Readonly<Record<string, string>>;
}

/** The call the error-mapping checks make through `invoke` (one vendor request). */
export interface ProbeCall {
  readonly resource: string;
  readonly operation: Operation;
  readonly id?: string;
  readonly body?: ScenarioBody;
}

/** Everything the conformance kit needs to know about one element and its vendor double. */
export interface ConformanceSubject<E extends ConformanceEnvironment> {
  readonly element: ElementDefinition;
  /** Starts the vendor double, seeds an account, returns the environment (run once, before all checks). */
  setup(): Promise<E>;
  readonly faults: VendorFaultHooks<E>;
  readonly resources: readonly ResourceScenario<E>[];
  /** The cursor and page-number walk; `cannotProduce` only for an element without a listable resource. */
  readonly pagination: PaginationScenario<E> | CannotProduce;
  /** Top-level resources the subject does not exercise, each with the reason (their checks are skipped). */
  readonly notCovered?: Readonly<Record<string, string>>;
  /**
   * The invoke call of the error-mapping checks. Default: `list` (page size 1) of the first
   * scenario resource that lists, else `get` of the first singleton.
   */
  readonly probe?: ProbeCall;
  /** The vendor timeout of ordinary calls (default 5000 ms). */
  readonly timeoutMs?: number;
  /** The short timeout of the slowness check (default 200 ms); the double is made slower by far. */
  readonly shortTimeoutMs?: number;
}

/** A record's id as the hub puts it in a path. */
export function idOf(record: VendorRecord, idField: string): string | undefined {
  const value = record[idField];
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}
