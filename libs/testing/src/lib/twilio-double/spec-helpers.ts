// Shared by the twilio-double specs (not exported from the library).
import twilio from 'twilio';
import type { TwilioDouble } from './twilio-double';
import type { AccountCredentials } from './types';

export type TwilioClient = ReturnType<typeof twilio>;

/** The real `twilio` library, pointed at the double. */
export function clientFor(double: TwilioDouble, credentials: AccountCredentials): TwilioClient {
  const client = twilio(credentials.sid, credentials.authToken);
  client.api.baseUrl = double.baseUrl;
  return client;
}

export function basicAuth(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
}

export interface RawResponse {
  status: number;
  headers: Headers;
  text: string;
  json: unknown;
}

/** One plain HTTP request (no library in between). */
export async function raw(
  double: TwilioDouble,
  method: string,
  pathAndQuery: string,
  options: { auth?: AccountCredentials | string; form?: Record<string, string | string[]> } = {},
): Promise<RawResponse> {
  const headers: Record<string, string> = {};
  if (typeof options.auth === 'string') {
    headers['Authorization'] = options.auth;
  } else if (options.auth) {
    headers['Authorization'] = basicAuth(options.auth.sid, options.auth.authToken);
  }
  let body: string | undefined;
  if (options.form) {
    const form = new URLSearchParams();
    for (const [key, value] of Object.entries(options.form)) {
      for (const v of Array.isArray(value) ? value : [value]) {
        form.append(key, v);
      }
    }
    body = form.toString();
    headers['Content-Type'] = 'application/x-www-form-urlencoded';
  }
  const response = await fetch(`${double.baseUrl}${pathAndQuery}`, { method, headers, body });
  const text = await response.text();
  let json: unknown = undefined;
  if (text !== '') {
    json = JSON.parse(text) as unknown;
  }
  return { status: response.status, headers: response.headers, text, json };
}

/** The error a promise rejects with (fails the test if it resolves). */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('Expected the promise to reject, but it resolved');
}

/** Asserts a RestException from the `twilio` library and returns its fields. */
export async function restError(
  promise: Promise<unknown>,
): Promise<{ status: number; code: number; message: string; moreInfo: string }> {
  const error = await rejectionOf(promise);
  expect(error).toBeInstanceOf(twilio.RestException);
  const e = error as InstanceType<typeof twilio.RestException>;
  return { status: e.status, code: e.code ?? -1, message: e.message, moreInfo: e.moreInfo ?? '' };
}
