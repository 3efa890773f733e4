import { type ElementTransformations, SHIPPED_OBJECTS, type Transformation, elementTransformationProblems } from './common-resources';
import type { CommonConfigurationDefaults, ConfigurationDescriptor, ResolvedConfiguration } from './descriptors';
import { ApiError, MethodNotAllowedError, NotFoundError } from './errors';
import type { WebhookEventSource } from './events';
import {
  type ResourceCall,
  type ResourceDescriptor,
  type ResourceResult,
  type ResourceSpec,
  describeResource,
} from './resources';

/** Catalog facts about an element, returned by GET /elements and inside every instance. */
export interface ElementMetadata {
  /** Stable numeric id, kept from the old platform where it had one (twiliov2 = 503, twilio = 7). */
  readonly id: number;
  readonly key: string;
  readonly name: string;
  readonly hub: string;
  readonly description: string;
  readonly image: string;
  readonly typeOauth: boolean;
  readonly trialAccount: boolean;
  readonly configDescription?: string;
  readonly authenticationType: 'basic' | 'oauth2' | 'apiKey' | 'custom';
  /** How the element can learn about changes at the vendor. */
  readonly events: { readonly supported: boolean; readonly methods: readonly ('polling' | 'webhook')[] };
}

/** What a successful credential check learned about the vendor account. */
export interface CredentialCheck {
  /** The vendor's own id of the account the credentials open, e.g. a Twilio Account SID. */
  readonly accountId: string;
  /** A human label of the account, if the vendor has one. */
  readonly accountName?: string;
}

/**
 * A live connection to the vendor for one instance: built once from the instance's decrypted
 * configuration and reused for every call on that instance.
 */
export interface ElementConnection {
  /** Asks the vendor whether the credentials are good (the cheapest authenticated call). */
  verifyCredentials(): Promise<CredentialCheck>;
  /** Runs one resource operation. The hub has checked the call against the resource's descriptor. */
  invoke(call: ResourceCall): Promise<ResourceResult>;
}

/** Everything the hub knows about one element; one of these per adapter library. */
export interface ElementDefinition {
  readonly metadata: ElementMetadata;
  /** The element's own configuration descriptors (credentials, base URL, ...). */
  readonly configuration: readonly ConfigurationDescriptor[];
  /**
   * The common configuration keys this element supports, each with this element's default.
   * Their descriptors (type, rules, description) live in libs/instance-config, shared by all.
   */
  readonly commonConfiguration: CommonConfigurationDefaults;
  /** What the element's resources offer (the hub routes, validates and documents from these). */
  readonly resources: readonly ResourceDescriptor[];
  /** Builds a connection from a validated, decrypted configuration. Must not do I/O. */
  connect(configuration: ResolvedConfiguration, options: ConnectionOptions): ElementConnection;
  /** Present when metadata.events.methods includes `webhook`: how the vendor's webhooks are read. */
  readonly webhook?: WebhookEventSource;
  /** How the element's resources map onto common objects (checked against its resources when defined). */
  readonly transformations: Required<ElementTransformations>;
  /** What the hub does with a query or body parameter no resource declares, outside strict mode (see UnknownParameters). */
  readonly unknownParameters: UnknownParameters;
  /** The vendor's public hosts (`*.twilio.com`): configured URLs elsewhere are refused unless the operator widens the list. */
  readonly vendorHosts: readonly string[];
}

/**
 * A parameter a resource does not declare, when the instance is not in strict mode (the old platform's
 * behaviour): `forward` hands it to the handlers as it came, for vendors that ignore parameters an endpoint
 * does not take (Twilio does), so a parameter the vendor added since the adapter was written still works;
 * `drop` leaves it out. Either way the hub names it in `Elements-Warning`. In strict mode it is a 400.
 */
export type UnknownParameters = 'forward' | 'drop';

/** How an adapter writes an element: typed over its own connection (its vendor SDK client). */
export interface ElementSpec<C> {
  readonly metadata: ElementMetadata;
  readonly configuration: readonly ConfigurationDescriptor[];
  readonly commonConfiguration: CommonConfigurationDefaults;
  /** Builds the adapter's connection (e.g. a vendor SDK client) once per instance. Must not do I/O. */
  connect(configuration: ResolvedConfiguration, options: ConnectionOptions): C;
  verifyCredentials(connection: C): Promise<CredentialCheck>;
  readonly resources: readonly ResourceSpec<C>[];
  /** How the vendor's errors become hub errors; applied to everything the handlers throw. */
  toHubError(error: unknown): Error;
  /** Required when metadata.events.methods includes `webhook`. */
  readonly webhook?: WebhookEventSource;
  /** Its mappings onto the hub's common objects (`messages`), and any old-platform default mappings. */
  readonly transformations?: ElementTransformations;
  /** Parameters no resource declares, outside strict mode: `drop` (the default) unless the vendor ignores unknown ones. */
  readonly unknownParameters?: UnknownParameters;
  /** The vendor's public hosts, e.g. `*.twilio.com` (a leading `*.` matches any subdomain); empty or absent: any public host. */
  readonly vendorHosts?: readonly string[];
}

/** Turns an adapter's typed spec into the element the hub runs. */
export function defineElement<C>(spec: ElementSpec<C>): ElementDefinition {
  if (spec.metadata.events.methods.includes('webhook') && !spec.webhook) {
    throw new TypeError(`element '${spec.metadata.key}' offers webhook events but defines no webhook source`);
  }
  const resources = spec.resources.map(describeResource);
  // Without a prototype: a lookup by a client's object name ('constructor') finds nothing.
  const byName = (declared: ElementTransformations['common']) => Object.freeze(Object.assign(Object.create(null) as Record<string, Transformation>, declared));
  const transformations = { common: byName(spec.transformations?.common), defaults: byName(spec.transformations?.defaults) };
  const problems = [
    ...Object.entries(transformations.common).flatMap(([name, t]) =>
      SHIPPED_OBJECTS[name] ? elementTransformationProblems(resources, name, t, SHIPPED_OBJECTS[name]) : [`'${name}' is not a shipped common object`],
    ),
    ...Object.entries(transformations.defaults).flatMap(([name, t]) => elementTransformationProblems(resources, name, t)),
  ];
  if (problems.length > 0) throw new TypeError(`element '${spec.metadata.key}': ${problems.join('; ')}`);
  return {
    transformations,
    unknownParameters: spec.unknownParameters ?? 'drop',
    vendorHosts: Object.freeze([...(spec.vendorHosts ?? [])]),
    metadata: spec.metadata,
    configuration: spec.configuration,
    commonConfiguration: spec.commonConfiguration,
    resources,
    ...(spec.webhook ? { webhook: spec.webhook } : {}),
    connect(configuration, options) {
      const connection = spec.connect(configuration, options);
      const mapped = async <T>(work: () => Promise<T>): Promise<T> => {
        try {
          return await work();
        } catch (error) {
          throw error instanceof ApiError ? error : spec.toHubError(error);
        }
      };
      return {
        verifyCredentials: () => mapped(() => spec.verifyCredentials(connection)),
        invoke: (call) => mapped(() => invokeResource(spec.resources, connection, call)),
      };
    },
  };
}

async function invokeResource<C>(resources: readonly ResourceSpec<C>[], connection: C, call: ResourceCall): Promise<ResourceResult> {
  let spec: ResourceSpec<C> | undefined;
  let candidates = resources;
  for (const name of call.resourcePath) {
    spec = candidates.find((r) => r.name === name);
    if (!spec) throw new NotFoundError(`No resource '${call.resourcePath.join('/')}'`);
    candidates = spec.subresources ?? [];
  }
  const handlers = spec?.handlers;
  const { operation, request } = call;
  switch (operation) {
    case 'list':
      if (handlers?.list) return { operation, page: await handlers.list(connection, request) };
      break;
    case 'get':
    case 'create':
    case 'update': {
      const handler = handlers?.[operation];
      if (handler) return { operation, record: await handler(connection, request) };
      break;
    }
    case 'delete':
      if (handlers?.delete) {
        await handlers.delete(connection, request);
        return { operation };
      }
      break;
  }
  throw new MethodNotAllowedError(`'${call.resourcePath.join('/')}' does not support ${operation}`, []);
}

export interface ConnectionOptions {
  /** Upper bound for one vendor call, in milliseconds. */
  readonly timeoutMs: number;
  /**
   * The hub's policy for vendor URLs taken from an instance's configuration (a `base.url`): a
   * tenant chooses them, so they must not reach the hub's own network. The hub always passes it;
   * without it (an adapter's own tests) the adapter connects as the URL says.
   */
  readonly vendorNetwork?: VendorNetwork;
  /**
   * Called after each request to the vendor (each attempt) when the instance records traces.
   * The adapter's transport reports what went over the wire, never credentials or auth headers.
   */
  readonly onVendorExchange?: (exchange: VendorExchange) => void;
}

/**
 * What an adapter's transport does with a configured vendor URL: `check` it before each request
 * (scheme, a literal address, the element's vendor hosts) and connect only through `lookup`, which
 * resolves the host and answers only addresses the policy allows. A refusal is a
 * `BadRequestError` naming the configuration field; the transport lets it through as it is.
 */
export interface VendorNetwork {
  check(url: URL, field: string): void;
  /** Node's net/tls `lookup` (for undici's `connect: { lookup }`); refusals carry `vendorUrlRefusal`. */
  readonly lookup: (
    hostname: string,
    options: { family?: number | string; all?: boolean },
    callback: (error: NodeJS.ErrnoException | null, address: string | { address: string; family: number }[], family?: number) => void,
  ) => void;
  /** The refusal carried by an error the lookup caused, if it was one. */
  refusalOf(error: unknown): Error | undefined;
}

/** One request to the vendor and what came back. */
export interface VendorExchange {
  readonly method: string;
  /** The full URL, query included. */
  readonly url: string;
  /** Absent when no answer came (timeout, connection failure). */
  readonly status?: number;
  readonly durationMs: number;
  readonly requestBody?: string;
  readonly responseBody?: string;
  readonly error?: string;
  /** Why no answer came: the call's deadline passed, or the vendor could not be reached. */
  readonly failure?: 'timeout' | 'unreachable';
}

/** Looks an element up by key or numeric id (both as the client sent them). */
export function findElement(
  elements: readonly ElementDefinition[],
  keyOrId: string | number,
): ElementDefinition | undefined {
  const text = String(keyOrId);
  return elements.find((e) => e.metadata.key === text || String(e.metadata.id) === text);
}
