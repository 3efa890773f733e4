/**
 * The adapter conformance kit: one call registers Jest `describe`/`it` blocks that check an element
 * through `element.connect(configuration, {timeoutMs})` and the connection's `verifyCredentials()`
 * and `invoke(...)`, exactly as the hub calls them, against the element's own vendor double.
 *
 * Test-only: it uses Jest's globals and is exported from `@hub/element-sdk/testing`, never from the
 * main entry.
 */
import { commonMessagesProblems, rootField } from '../common-resources';
import type { ResolvedConfiguration } from '../descriptors';
import type { ElementConnection } from '../element';
import type { Operation, ResourceDescriptor, ResourceRequest } from '../resources';
import {
  OTHER_OPERATIONS,
  asHubError,
  duplicates,
  failureOf,
  findResource,
  listPage,
  parameterProblems,
  recordCall,
  requestOf,
  walkCursor,
  walkPageIndex,
  withDefaults,
} from './helpers';
import { Observations, observed, secretValues } from './observer';
import {
  type CannotProduce,
  type ConformanceEnvironment,
  type ConformanceSubject,
  type PaginationScenario,
  type ProbeCall,
  type ResourceScenario,
  idOf,
  isCannotProduce,
} from './subject';

const DEFAULT_TIMEOUT_MS = 5_000;
const DEFAULT_SHORT_TIMEOUT_MS = 200;
const CLIENT_ERROR_STATUSES = [400, 404, 409, 422] as const;
const SERVER_ERROR_STATUSES = [500, 503] as const;
/** How many pages a list walk may take before the kit calls it endless. */
const LIST_PAGE_LIMIT = 50;
/** Secrets shorter than this cannot be looked for without false alarms. */
const MIN_SECRET_LENGTH = 8;

/** Live state shared by the checks of one run (filled in `beforeAll`). */
interface Run<E extends ConformanceEnvironment> {
  env: E;
  configuration: ResolvedConfiguration;
  rejectedConfiguration: ResolvedConfiguration;
  /** Every configuration the kit connected with (secrets are looked for from all of them). */
  configurations: ResolvedConfiguration[];
  connection: ElementConnection;
  observations: Observations;
  connect(configuration: ResolvedConfiguration, timeoutMs?: number): ElementConnection;
}

/** `it`, or `it.skip` with the subject's reason in the title. */
function itUnless(reason: CannotProduce | string | undefined, title: string, fn: () => Promise<void>): void {
  if (reason === undefined) it(title, fn);
  else it.skip(`${title} — skipped: ${typeof reason === 'string' ? reason : reason.cannotProduce}`, fn);
}

/**
 * Registers the conformance checks of one element.
 *
 * ```ts
 * describeConformance({ element: acmeElement, setup: async () => …, faults: {…}, resources: […], pagination: {…} });
 * ```
 */
export function describeConformance<E extends ConformanceEnvironment>(subject: ConformanceSubject<E>): void {
  const { element } = subject;
  const timeoutMs = subject.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const shortTimeoutMs = subject.shortTimeoutMs ?? DEFAULT_SHORT_TIMEOUT_MS;
  let current: Run<E> | undefined;
  const run = (): Run<E> => {
    if (!current) throw new Error('the subject’s setup did not complete (see the error of beforeAll)');
    return current;
  };

  describe(`element '${element.metadata.key}' conformance`, () => {
    beforeAll(async () => {
      const env = await subject.setup();
      const observations = new Observations();
      const configurations: ResolvedConfiguration[] = [];
      const connect = (configuration: ResolvedConfiguration, ms = timeoutMs) => {
        configurations.push(configuration);
        return observed(element.connect(configuration, { timeoutMs: ms }), observations);
      };
      const configuration = withDefaults(element, env.configuration);
      const rejectedConfiguration = withDefaults(element, env.rejectedConfiguration);
      current = {
        env,
        configuration,
        rejectedConfiguration,
        configurations,
        connection: connect(configuration),
        observations,
        connect,
      };
    });

    afterAll(async () => {
      if (!current) return;
      await subject.faults.clear(current.env);
      await current.env.teardown();
    });

    describe('provisioning', () => {
      it('verifies good credentials with the vendor', async () => {
        const check = await run().connection.verifyCredentials();
        expect(typeof check.accountId).toBe('string');
        expect(check.accountId).not.toBe('');
      });

      it('answers rejected credentials with a 400 carrying the vendor’s words', async () => {
        const { connect, rejectedConfiguration } = run();
        const error = asHubError(
          await failureOf(() => connect(rejectedConfiguration).verifyCredentials()),
          400,
          'verifyCredentials with rejected credentials',
        );
        expect(typeof error.details.providerMessage).toBe('string');
        expect(error.details.providerMessage).not.toBe('');
      });
    });

    describe('resources', () => {
      it('has a scenario for every resource the element declares (or a reason why not)', () => {
        const covered = new Set([...subject.resources.map((s) => s.resource), ...Object.keys(subject.notCovered ?? {})]);
        const missing = element.resources.map((r) => r.name).filter((name) => !covered.has(name));
        expect(missing).toEqual([]);
        for (const scenario of subject.resources) findResource(element, scenario.resource);
      });

      for (const scenario of subject.resources) describeResourceScenario(subject, scenario, run);
      for (const [name, reason] of Object.entries(subject.notCovered ?? {})) {
        it.skip(`${name}: round trip — skipped: ${reason}`, () => undefined);
      }
    });

    describeCommonObjects(subject, run);
    describePagination(subject.pagination, subject, run);
    describeErrorMapping(subject, run, () => current, shortTimeoutMs);

    describe('secrets', () => {
      it('never shows a secret configuration value in a result or an error', () => {
        const { observations, configurations } = run();
        const secrets = secretValues(element.configuration, configurations);
        expect(element.configuration.some((d) => d.secret)).toBe(true);
        expect(observations.count).toBeGreaterThan(0);
        const tooShort = secrets.filter((s) => s.value.length < MIN_SECRET_LENGTH).map((s) => s.key);
        expect({ secretsTooShortToLookFor: tooShort }).toEqual({ secretsTooShortToLookFor: [] });
        const leaks = secrets.flatMap((s) => observations.occurrencesOf(s.value).map((excerpt) => `${s.key}: …${excerpt}…`));
        expect(leaks).toEqual([]);
      });
    });
  });
}

function describeResourceScenario<E extends ConformanceEnvironment>(
  subject: ConformanceSubject<E>,
  scenario: ResourceScenario<E>,
  run: () => Run<E>,
): void {
  const { element } = subject;
  const name = scenario.resource;
  const has = (op: Operation) => scenario.operations.includes(op);
  const descriptor = (): ResourceDescriptor => findResource(element, name);

  describe(name, () => {
    const declared = element.resources.find((r) => r.name === name);
    if (!declared) {
      it('is a resource the element declares', () => {
        findResource(element, name);
      });
      return;
    }

    it(`declares exactly the operations the scenario exercises (${scenario.operations.join(', ')})`, () => {
      const declared = [...descriptor().operations].sort();
      expect(declared).toEqual([...scenario.operations].sort());
      if (has('create')) expect(scenario.create).toBeDefined();
      if (has('update')) expect(scenario.update).toBeDefined();
    });

    it('refuses every other operation with a 405', async () => {
      const { connection, configuration } = run();
      for (const operation of OTHER_OPERATIONS(scenario.operations)) {
        const request = requestOf(configuration, {
          id: operation === 'list' || operation === 'create' ? undefined : 'conformance-none',
          page: operation === 'list' ? { pageSize: 1 } : undefined,
        });
        const error = await failureOf(() => connection.invoke({ resourcePath: [name], operation, request }));
        asHubError(error, 405, `${operation} on '${name}'`);
      }
    });

    it('sends only declared parameters (what the hub would let through)', () => {
      const parameters = descriptor().parameters;
      const problems = [
        ...(scenario.create ? parameterProblems(parameters.create, scenario.create.body).map((p) => `create: ${p}`) : []),
        ...(scenario.update ? parameterProblems(parameters.update, scenario.update.body).map((p) => `update: ${p}`) : []),
        ...(scenario.listQuery ? parameterProblems(parameters.list, scenario.listQuery).map((p) => `list: ${p}`) : []),
      ];
      expect(problems).toEqual([]);
    });

    if (declared.kind === 'singleton') describeSingleton(scenario, run, descriptor);
    else describeCollection(scenario, run, descriptor);
  });
}

function describeSingleton<E extends ConformanceEnvironment>(
  scenario: ResourceScenario<E>,
  run: () => Run<E>,
  descriptor: () => ResourceDescriptor,
): void {
  const name = scenario.resource;
  const get = () => recordCall(run().connection, name, 'get', requestOf(run().configuration, {}));

  if (scenario.operations.includes('get')) {
    it('get: answers its record, with the idField', async () => {
      const record = await get();
      expect(idOf(record, descriptor().idField)).toBeDefined();
    });
  }
  if (scenario.operations.includes('update') && scenario.update) {
    const step = scenario.update;
    it('update: answers the updated record, and get shows it', async () => {
      const record = await recordCall(run().connection, name, 'update', requestOf(run().configuration, { body: step.body }));
      expect(idOf(record, descriptor().idField)).toBeDefined();
      if (step.expect) {
        expect(record).toMatchObject(step.expect);
        if (scenario.operations.includes('get')) expect(await get()).toMatchObject(step.expect);
      }
    });
  }
}

function describeCollection<E extends ConformanceEnvironment>(
  scenario: ResourceScenario<E>,
  run: () => Run<E>,
  descriptor: () => ResourceDescriptor,
): void {
  const name = scenario.resource;
  const has = (op: Operation) => scenario.operations.includes(op);
  /** The record of the round trip: created by it, or an existing one. */
  let id: string | undefined;
  let deleted = false;
  const recordId = async (): Promise<string> => {
    if (id !== undefined) return id;
    if (has('create')) throw new Error(`no '${name}' record: create failed earlier`);
    const { env, connection, configuration } = run();
    if (scenario.existingId) id = await scenario.existingId(env);
    else {
      const page = await listPage(connection, name, configuration, { pageSize: 1 }, scenario.listQuery);
      const first = page.records[0];
      id = first ? idOf(first, descriptor().idField) : undefined;
      if (id === undefined) throw new Error(`'${name}' has no create, no existingId, and lists no record to work on`);
    }
    return id;
  };
  const request = (parts: Parameters<typeof requestOf>[1]): ResourceRequest => requestOf(run().configuration, parts);
  const idField = () => descriptor().idField;

  if (has('create') && scenario.create) {
    const step = scenario.create;
    it(`create: answers the new record, with its idField`, async () => {
      const record = await recordCall(run().connection, name, 'create', request({ body: step.body }));
      id = idOf(record, idField());
      expect({ [idField()]: id }).toEqual({ [idField()]: expect.any(String) });
      if (step.expect) expect(record).toMatchObject(step.expect);
    });
  }

  if (has('get')) {
    it('get: answers the record by its id', async () => {
      const wanted = await recordId();
      const record = await recordCall(run().connection, name, 'get', request({ id: wanted }));
      expect(idOf(record, idField())).toBe(wanted);
      if (scenario.create?.expect && has('create')) expect(record).toMatchObject(scenario.create.expect);
    });
  }

  if (has('list')) {
    it('list: finds the record, and every listed record has the idField', async () => {
      const wanted = await recordId();
      const { connection, configuration } = run();
      const walk = await walkCursor(
        (page) => listPage(connection, name, configuration, page, scenario.listQuery),
        idField(),
        50,
        LIST_PAGE_LIMIT,
      );
      expect(walk.problems).toEqual([]);
      expect(walk.ids).toContain(wanted);
    });
  }

  if (has('update') && scenario.update) {
    const step = scenario.update;
    it('update: answers the updated record, and get shows the change', async () => {
      const wanted = await recordId();
      const record = await recordCall(run().connection, name, 'update', request({ id: wanted, body: step.body }));
      expect(idOf(record, idField())).toBe(wanted);
      if (step.expect) {
        expect(record).toMatchObject(step.expect);
        if (has('get')) expect(await recordCall(run().connection, name, 'get', request({ id: wanted }))).toMatchObject(step.expect);
      }
    });
  }

  if (has('delete')) {
    it('delete: removes the record; get of it then answers 404', async () => {
      const wanted = await recordId();
      await scenario.beforeDelete?.(run().env, wanted);
      const result = await run().connection.invoke({ resourcePath: [name], operation: 'delete', request: request({ id: wanted }) });
      expect(result.operation).toBe('delete');
      deleted = true;
      if (has('get')) {
        const error = await failureOf(() => recordCall(run().connection, name, 'get', request({ id: wanted })));
        asHubError(error, 404, `get of the deleted '${name}' ${wanted}`);
      }
    });
  }

  if (has('get')) {
    const reason = scenario.missingId === undefined && !has('delete') ? 'the scenario names no missingId' : undefined;
    itUnless(reason, 'get: a record that does not exist answers 404', async () => {
      const missing = scenario.missingId ?? (deleted ? id : undefined);
      if (missing === undefined) throw new Error('no missingId, and the delete check did not delete a record');
      const error = await failureOf(() => recordCall(run().connection, name, 'get', request({ id: missing })));
      asHubError(error, 404, `get of the missing '${name}' ${missing}`);
    });
  }
}

function describePagination<E extends ConformanceEnvironment>(
  pagination: PaginationScenario<E> | CannotProduce,
  subject: ConformanceSubject<E>,
  run: () => Run<E>,
): void {
  describe('pagination', () => {
    if (isCannotProduce(pagination)) {
      itUnless(pagination, 'follows cursors to the end, every record exactly once', async () => undefined);
      return;
    }
    const count = pagination.count ?? 7;
    const pageSize = pagination.pageSize ?? 2;
    const byPageIndex = pagination.byPageIndex ?? subject.element.commonConfiguration['pagination.type'] === 'page';
    const maxPages = Math.ceil(count / pageSize) + LIST_PAGE_LIMIT;
    let seeded: { ids: readonly string[]; configuration: ResolvedConfiguration; exclusive: boolean } | undefined;
    let cursorIds: string[] | undefined;

    const seed = async () => {
      if (seeded) return seeded;
      const { env, configuration } = run();
      const made = await pagination.seed(env, count);
      expect(made.ids).toHaveLength(count);
      seeded = {
        ids: made.ids,
        configuration: made.configuration ? withDefaults(subject.element, made.configuration) : configuration,
        exclusive: made.configuration !== undefined,
      };
      return seeded;
    };
    const lister = (configuration: ResolvedConfiguration) => {
      const connection = configuration === run().configuration ? run().connection : run().connect(configuration);
      const idField = findResource(subject.element, pagination.resource).idField;
      return {
        idField,
        list: (page: Parameters<typeof listPage>[3]) =>
          listPage(connection, pagination.resource, configuration, page, pagination.listQuery),
      };
    };

    it(`declares list on '${pagination.resource}'`, () => {
      expect(findResource(subject.element, pagination.resource).operations).toContain('list');
    });

    it(`follows cursors to the end with pageSize ${pageSize}: ${count} seeded records, each exactly once`, async () => {
      const { ids, configuration, exclusive } = await seed();
      const { idField, list } = lister(configuration);
      const walk = await walkCursor(list, idField, pageSize, maxPages);
      expect(walk.problems).toEqual([]);
      expect(duplicates(walk.ids)).toEqual([]);
      const listed = new Set(walk.ids);
      expect(ids.filter((id) => !listed.has(id))).toEqual([]);
      if (exclusive) expect([...walk.ids].sort()).toEqual([...ids].sort());
      // Every page but the last is full.
      expect(walk.pageSizes.slice(0, -1).every((n) => n === pageSize)).toBe(true);
      cursorIds = walk.ids;
    });

    itUnless(
      byPageIndex ? undefined : 'the element does not page by page number (pagination.type is not page)',
      'page numbers (pageIndex 0, 1, …) give the same sequence as the cursors',
      async () => {
        const { configuration } = await seed();
        const { idField, list } = lister(configuration);
        const walk = await walkPageIndex(list, idField, pageSize, maxPages);
        expect(walk.problems).toEqual([]);
        if (!cursorIds) throw new Error('the cursor walk failed earlier');
        expect(walk.ids).toEqual(cursorIds);
      },
    );
  });
}

/** The probe of the error-mapping checks: one vendor request through invoke. */
function probeOf<E extends ConformanceEnvironment>(subject: ConformanceSubject<E>): ProbeCall {
  if (subject.probe) return subject.probe;
  for (const scenario of subject.resources) {
    const resource = subject.element.resources.find((r) => r.name === scenario.resource);
    if (resource?.kind === 'collection' && resource.operations.includes('list')) return { resource: resource.name, operation: 'list' };
  }
  for (const scenario of subject.resources) {
    const resource = subject.element.resources.find((r) => r.name === scenario.resource);
    if (resource?.kind === 'singleton' && resource.operations.includes('get')) return { resource: resource.name, operation: 'get' };
  }
  throw new Error('no scenario resource lists or is a singleton with get: give the subject a probe');
}

function describeErrorMapping<E extends ConformanceEnvironment>(
  subject: ConformanceSubject<E>,
  run: () => Run<E>,
  peek: () => Run<E> | undefined,
  shortTimeoutMs: number,
): void {
  const { faults } = subject;
  const probe = (connection: ElementConnection) => {
    const call = probeOf(subject);
    return connection.invoke({
      resourcePath: [call.resource],
      operation: call.operation,
      request: requestOf(run().configuration, {
        id: call.id,
        body: call.body,
        page: call.operation === 'list' ? { pageSize: 1 } : undefined,
      }),
    });
  };
  const slowDelayMs = Math.max(shortTimeoutMs * 8, 1_500);

  describe('error mapping', () => {
    afterEach(async () => {
      const started = peek();
      if (started) await faults.clear(started.env);
    });

    const clientError = faults.clientError;
    itUnless(
      isCannotProduce(clientError) ? clientError : undefined,
      `a vendor 4xx keeps its status and the vendor’s words (${CLIENT_ERROR_STATUSES.join(', ')})`,
      async () => {
        if (isCannotProduce(clientError)) return;
        for (const status of CLIENT_ERROR_STATUSES) {
          const message = `conformance vendor error ${status}`;
          await faults.clear(run().env);
          await clientError(run().env, { status, message });
          const error = asHubError(await failureOf(() => probe(run().connection)), status, `invoke after a vendor ${status}`);
          expect(error.details.providerMessage).toContain(message);
        }
      },
    );

    const serverError = faults.serverError;
    itUnless(
      isCannotProduce(serverError) ? serverError : undefined,
      `a vendor 5xx answers 502 (${SERVER_ERROR_STATUSES.join(', ')}; verifyCredentials and invoke)`,
      async () => {
        if (isCannotProduce(serverError)) return;
        for (const status of SERVER_ERROR_STATUSES) {
          await faults.clear(run().env);
          await serverError(run().env, status);
          asHubError(await failureOf(() => run().connection.verifyCredentials()), 502, `verifyCredentials after a vendor ${status}`);
          asHubError(await failureOf(() => probe(run().connection)), 502, `invoke after a vendor ${status}`);
        }
      },
    );

    const slow = faults.slow;
    itUnless(
      isCannotProduce(slow) ? slow : undefined,
      `a vendor slower than the timeout (${shortTimeoutMs} ms) answers 504, without waiting for the vendor`,
      async () => {
        if (isCannotProduce(slow)) return;
        const { connect, configuration } = run();
        const hurried = connect(configuration, shortTimeoutMs);
        await slow(run().env, slowDelayMs);
        for (const [what, call] of [
          ['verifyCredentials', () => hurried.verifyCredentials()],
          ['invoke', () => probe(hurried)],
        ] as const) {
          const started = Date.now();
          asHubError(await failureOf(call), 504, `${what} against a slow vendor`);
          expect({ what, waitedLessThanTheVendor: Date.now() - started < slowDelayMs - shortTimeoutMs }).toEqual({
            what,
            waitedLessThanTheVendor: true,
          });
        }
      },
    );

    const reset = faults.reset;
    itUnless(
      isCannotProduce(reset) ? reset : undefined,
      'a connection reset by the vendor answers 502 (verifyCredentials and invoke)',
      async () => {
        if (isCannotProduce(reset)) return;
        await reset(run().env);
        asHubError(await failureOf(() => run().connection.verifyCredentials()), 502, 'verifyCredentials after a reset');
        asHubError(await failureOf(() => probe(run().connection)), 502, 'invoke after a reset');
      },
    );

    it('the connection works again once the faults are gone', async () => {
      await faults.clear(run().env);
      await expect(run().connection.verifyCredentials()).resolves.toBeDefined();
      await expect(probe(run().connection)).resolves.toBeDefined();
    });
  });
}

/**
 * A messaging element maps the hub's common `messages` (MESSAGES_OBJECT) onto one of its
 * resources: every required field mapped, `id` from the resource's idField, and every mapped record
 * field present in what the vendor answers. The generator's stub fails here until it is filled in.
 */
function describeCommonObjects<E extends ConformanceEnvironment>(subject: ConformanceSubject<E>, run: () => Run<E>): void {
  const { element } = subject;
  if (element.metadata.hub !== 'messaging') return;
  const mapping = element.transformations.common['messages'];
  describe('common objects', () => {
    it("maps every required field of the hub's common messages, id from the resource's idField", () => {
      expect({ problems: commonMessagesProblems(element) }).toEqual({ problems: [] });
    });

    it('finds every mapped record field in the records the vendor answers', async () => {
      if (!mapping) return;
      const resource = findResource(element, mapping.vendorName);
      const recordFields = new Set(resource.fields.map((f) => rootField(f.path)));
      const { configuration, connection } = run();
      const page = await listPage(connection, mapping.vendorName, configuration, { pageSize: 20, pageIndex: 0 });
      const records = [...page.records];
      // The scenarios may have deleted what they created: create one more the scenario's way.
      const create = subject.resources.find((r) => r.resource === mapping.vendorName)?.create;
      if (records.length === 0 && create && !isCannotProduce(create)) {
        records.push(await recordCall(connection, mapping.vendorName, 'create', requestOf(configuration, { body: create.body })));
      }
      expect(records.length).toBeGreaterThan(0);
      const missing = mapping.fields
        .map((f) => rootField(f.vendorPath))
        .filter((root) => recordFields.has(root) && !records.some((r) => root in r));
      expect({ mappedButNeverAnswered: [...new Set(missing)] }).toEqual({ mappedButNeverAnswered: [] });
    });
  });
}
