import { ApiError } from '@hub/element-sdk';
import { HttpException } from '@nestjs/common';

/** The one error body of the hub API (wire compatible with the old platform). */
export interface ErrorBody {
  requestId: string;
  message: string;
  providerMessage?: string;
  providerCode?: string | number;
}

export interface ErrorResponse {
  status: number;
  body: ErrorBody;
  headers: Record<string, string>;
  /** Unexpected errors are logged with their stack; expected ones are not noise. */
  unexpected: boolean;
}

/**
 * Fastify refuses some requests before any route runs (body parsing, size limit), and NestJS
 * hands those to the filter as HttpExceptions carrying Fastify's message: say it in our words.
 */
const FASTIFY_MESSAGES: Readonly<Record<string, string>> = {
  'Request body is too large': "Request body is larger than this route's limit",
  "Body is not valid JSON but content-type is set to 'application/json'": 'Malformed JSON: the request body is not valid JSON',
  "Body cannot be empty when content-type is set to 'application/json'":
    'Request body is empty but Content-Type is application/json',
  'Unsupported Media Type': 'Unsupported Content-Type: send application/json',
};

/** Maps anything thrown while serving a request to the hub's error response. */
export function toErrorResponse(error: unknown, requestId: string): ErrorResponse {
  if (error instanceof ApiError) {
    const { providerMessage, providerCode, retryAfterSeconds, allow } = error.details;
    const headers: Record<string, string> = { ...error.details.headers };
    if (retryAfterSeconds !== undefined) headers['retry-after'] = String(Math.ceil(retryAfterSeconds));
    if (allow && allow.length > 0) headers['allow'] = allow.join(', ');
    return {
      status: error.status,
      body: {
        requestId,
        message: error.message,
        ...(providerMessage !== undefined ? { providerMessage } : {}),
        ...(providerCode !== undefined ? { providerCode } : {}),
      },
      headers,
      unexpected: false,
    };
  }
  if (error instanceof HttpException) {
    const response = error.getResponse();
    const raw =
      typeof response === 'string'
        ? response
        : Array.isArray((response as { message?: unknown }).message)
          ? (response as { message: string[] }).message.join('; ')
          : String((response as { message?: unknown }).message ?? error.message);
    return { status: error.getStatus(), body: { requestId, message: FASTIFY_MESSAGES[raw] ?? raw }, headers: {}, unexpected: false };
  }
  return {
    status: 500,
    body: { requestId, message: `Internal error: the hub logged it under request id ${requestId}` },
    headers: {},
    unexpected: true,
  };
}
