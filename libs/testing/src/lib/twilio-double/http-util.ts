import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Params } from './state';

export const MAX_BODY_BYTES = 1_048_576;

/** Decodes a query string or form body; repeated keys (MediaUrl) become arrays, in order. */
export function decodeParams(encoded: string): Params {
  const out: Params = {};
  for (const [key, value] of new URLSearchParams(encoded)) {
    const existing = out[key];
    if (existing === undefined) {
      out[key] = value;
    } else if (Array.isArray(existing)) {
      existing.push(value);
    } else {
      out[key] = [existing, value];
    }
  }
  return out;
}

export class BodyTooLargeError extends Error {}

export function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new BodyTooLargeError(`Request body larger than ${limit} bytes`));
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** `Authorization: Basic base64(user:pass)` → { username, password }, or null. */
export function parseBasicAuth(header: string | undefined): { username: string; password: string } | null {
  const match = header === undefined ? null : /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!match) {
    return null;
  }
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) {
    return null;
  }
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent || res.destroyed) {
    return;
  }
  if (body === undefined) {
    res.writeHead(status, headers);
    res.end();
    return;
  }
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(payload)),
    ...headers,
  });
  res.end(payload);
}

// ---- reading untyped JSON (control endpoints) without `any` ----------------------------------

export type JsonObject = Record<string, unknown>;

export function asObject(value: unknown, what = 'body'): JsonObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TypeError(`${what} must be a JSON object`);
  }
  return value as JsonObject;
}

export function optString(obj: JsonObject, key: string): string | undefined {
  const value = obj[key];
  if (value === undefined || value === null) {
    return undefined;
  }
  if (typeof value !== 'string') {
    throw new TypeError(`${key} must be a string`);
  }
  return value;
}

export function reqString(obj: JsonObject, key: string): string {
  const value = optString(obj, key);
  if (value === undefined) {
    throw new TypeError(`${key} is required`);
  }
  return value;
}

export function optNumber(obj: JsonObject, key: string): number | undefined {
  const value = obj[key];
  if (value === undefined || value === null) {
    return undefined;
  }
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new TypeError(`${key} must be a number`);
  }
  return value;
}

export function optBoolean(obj: JsonObject, key: string): boolean | undefined {
  const value = obj[key];
  if (value === undefined || value === null) {
    return undefined;
  }
  if (typeof value !== 'boolean') {
    throw new TypeError(`${key} must be a boolean`);
  }
  return value;
}

export function optStringArray(obj: JsonObject, key: string): string[] | undefined {
  const value = obj[key];
  if (value === undefined || value === null) {
    return undefined;
  }
  if (!Array.isArray(value) || !value.every((v): v is string => typeof v === 'string')) {
    throw new TypeError(`${key} must be an array of strings`);
  }
  return value;
}

export function oneOf<T extends string>(
  value: string | undefined,
  allowed: readonly T[],
  key: string,
): T | undefined {
  if (value === undefined) {
    return undefined;
  }
  const found = allowed.find((a) => a === value);
  if (found === undefined) {
    throw new TypeError(`${key} must be one of ${allowed.join(', ')}`);
  }
  return found;
}
