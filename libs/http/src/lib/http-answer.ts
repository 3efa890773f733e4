/** An HTTP answer as formulas' request steps record it: status, headers as text, a JSON body parsed. */
export interface HttpAnswer {
  readonly code: number;
  readonly headers: Record<string, string>;
  readonly body: unknown;
}

/** The answer of `code`, `headers` and body `text`: a JSON content type's body parsed (kept as text when it does not parse). */
export function httpAnswerOf(code: number, headers: Readonly<Record<string, string | string[] | number | undefined>>, text: string): HttpAnswer {
  const textHeaders = Object.fromEntries(Object.entries(headers).filter(([, v]) => v !== undefined).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : String(v)]));
  let body: unknown = text;
  if (text !== '' && String(textHeaders['content-type'] ?? '').includes('json')) {
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
  }
  return { code, headers: textHeaders, body };
}

/**
 * A response body as text, read while it stays within `maxBytes`: past that the body is destroyed
 * (the rest is never read) and `tooLarge()` is thrown.
 */
export async function readTextAtMost(body: AsyncIterable<unknown> & { destroy(): unknown }, maxBytes: number, tooLarge: () => Error): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const bytes = chunk as Buffer;
    size += bytes.length;
    if (size > maxBytes) {
      body.destroy();
      throw tooLarge();
    }
    chunks.push(bytes);
  }
  return Buffer.concat(chunks).toString('utf8');
}
