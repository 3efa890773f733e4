/** Dependency-injection tokens of the platform module. */
export const STORE = Symbol('STORE');
export const HUB_ELEMENTS = Symbol('HUB_ELEMENTS');
export const PLATFORM_OPTIONS = Symbol('PLATFORM_OPTIONS');

export interface PlatformOptions {
  /** Upper bound of one vendor call (credential checks included), in milliseconds. */
  readonly vendorTimeoutMs: number;
  /** The hub's URL as vendors reach it (their webhooks go to `<publicUrl>/elements/api-v2/events/…`). */
  readonly publicUrl: string;
  /** Callback URLs may resolve to loopback, private or link-local addresses (tests, a single machine). */
  readonly allowPrivateCallbackUrls: boolean;
  /** Vendor URLs (base.url) may resolve to loopback, private or link-local addresses (a vendor double, a private gateway). */
  readonly allowPrivateVendorUrls: boolean;
  /** Public hosts vendor URLs may name besides each element's own, by element key (`*`: every element). */
  readonly vendorHosts: ReadonlyMap<string, readonly string[]>;
  /** POST /authentication: token lifetime and the throttle of repeated attempts. */
  readonly login: LoginSettings;
  /** After a secret rotation, how long the previous secret keeps working (0: not at all). */
  readonly secretGraceSeconds: number;
  /** The admin API's operator sessions. */
  readonly admin: AdminSettings;
  /** PostgreSQL: every how many seconds each process drops every cache as the change feed's safety net (0: only on reconnection; default 30). */
  readonly changeFeedRefreshSeconds?: number;
}

export interface AdminSettings {
  readonly sessionTtlSeconds: number;
  /** Mark the session cookie Secure (the hub is published over HTTPS). */
  readonly secureCookies: boolean;
}

export interface LoginSettings {
  readonly tokenTtlSeconds: number;
  /** Attempts per username in a window (a success starts it over). */
  readonly maxFailuresPerUsername: number;
  /** Failed attempts per client address in a window. */
  readonly maxFailuresPerAddress: number;
  readonly windowSeconds: number;
}
