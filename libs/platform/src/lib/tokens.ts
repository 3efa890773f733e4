/** Dependency-injection tokens of the platform module. */
export const HUB_STORE = Symbol('HUB_STORE');
export const HUB_ELEMENTS = Symbol('HUB_ELEMENTS');
export const PLATFORM_OPTIONS = Symbol('PLATFORM_OPTIONS');

export interface PlatformOptions {
  /** Upper bound of one vendor call (credential checks included), in milliseconds. */
  readonly vendorTimeoutMs: number;
  /** The hub's URL as vendors reach it (their webhooks go to `<publicUrl>/elements/api-v2/events/…`). */
  readonly publicUrl: string;
  /** Callback URLs may resolve to loopback, private or link-local addresses (tests, a single machine). */
  readonly allowPrivateCallbackUrls: boolean;
}
