import type { CommonConfigurationDefaults, ConfigurationDescriptor, ResolvedConfiguration } from './descriptors';

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
  /** Builds a connection from a validated, decrypted configuration. Must not do I/O. */
  connect(configuration: ResolvedConfiguration, options: ConnectionOptions): ElementConnection;
}

export interface ConnectionOptions {
  /** Upper bound for one vendor call, in milliseconds. */
  readonly timeoutMs: number;
}

/** Looks an element up by key or numeric id (both as the client sent them). */
export function findElement(
  elements: readonly ElementDefinition[],
  keyOrId: string | number,
): ElementDefinition | undefined {
  const text = String(keyOrId);
  return elements.find((e) => e.metadata.key === text || String(e.metadata.id) === text);
}
