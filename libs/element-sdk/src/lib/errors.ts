/**
 * Expected failures, typed. Every part of the hub (adapters included) throws these;
 * one exception filter in libs/http turns them into `{requestId, message, providerMessage?}`.
 * Anything else that escapes is an unexpected 500 and is logged.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly details: {
      providerMessage?: string;
      providerCode?: string | number;
      retryAfterSeconds?: number;
      /** For 405: the methods that are allowed (sent as the Allow header). */
      allow?: readonly string[];
      /** Headers that go with the error (e.g. RateLimit-*), lower-case names. */
      headers?: Readonly<Record<string, string>>;
    } = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class BadRequestError extends ApiError {
  constructor(message: string, details?: ApiError['details']) {
    super(400, message, details);
  }
}

export class UnauthorizedError extends ApiError {
  constructor(message: string) {
    super(401, message);
  }
}

export class ForbiddenError extends ApiError {
  constructor(message: string) {
    super(403, message);
  }
}

export class NotFoundError extends ApiError {
  constructor(message: string) {
    super(404, message);
  }
}

export class MethodNotAllowedError extends ApiError {
  constructor(message: string, allow: readonly string[]) {
    super(405, message, { allow });
  }
}

export class ConflictError extends ApiError {
  constructor(message: string) {
    super(409, message);
  }
}

/** The vendor answered with a 4xx: its status and words pass through to the client. */
export class VendorRejectedError extends ApiError {
  constructor(status: number, message: string, providerMessage: string, providerCode?: string | number) {
    super(status, message, { providerMessage, providerCode });
  }
}

/** The vendor could not be reached, reset the connection, or answered 5xx. */
export class VendorUnavailableError extends ApiError {
  constructor(message: string, providerMessage?: string, providerCode?: string | number) {
    super(502, message, { providerMessage, providerCode });
  }
}

/** The vendor did not answer within the configured timeout. */
export class VendorTimeoutError extends ApiError {
  constructor(message: string) {
    super(504, message);
  }
}

/** The vendor is rate limiting us and retries did not get through in time. */
export class VendorRateLimitedError extends ApiError {
  constructor(message: string, retryAfterSeconds: number, providerMessage?: string, providerCode?: string | number) {
    super(429, message, { providerMessage, providerCode, retryAfterSeconds });
  }
}

/** The caller's organization is over the hub-call rate its operators set. */
export class TooManyRequestsError extends ApiError {
  constructor(message: string, retryAfterSeconds: number, headers: Readonly<Record<string, string>>) {
    super(429, message, { retryAfterSeconds, headers });
  }
}
