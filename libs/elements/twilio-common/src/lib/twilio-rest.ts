import { BadRequestError, type ListPage, type PageRequest, type VendorRecord, VendorUnavailableError } from '@hub/element-sdk';
import type { Twilio } from 'twilio';
import RestException from 'twilio/lib/base/RestException';

type Params = Record<string, string | number | boolean | readonly string[] | undefined>;

/**
 * Twilio's REST 2010-04-01 as Twilio writes it (snake_case fields, RFC 2822 dates): the records
 * the old platform's twiliov2 clients read. Calls go through the official library's
 * `client.request` (its auth, user agent and our undici transport); answers other than 2xx
 * become the library's RestException, as its typed API does.
 */
export class TwilioRest {
  readonly accountPath: string;

  constructor(
    readonly client: Twilio,
    readonly accountSid: string,
  ) {
    this.accountPath = `/2010-04-01/Accounts/${encodeURIComponent(accountSid)}`;
  }

  get(path: string, params?: Params): Promise<VendorRecord> {
    return this.call('get', path, params);
  }

  post(path: string, data: Params): Promise<VendorRecord> {
    return this.call('post', path, undefined, data);
  }

  async delete(path: string): Promise<void> {
    await this.call('delete', path);
  }

  /**
   * One page of a Twilio list. The cursor is Twilio's own `next_page_uri`; the hub hands it back
   * (signed, bound to this instance and query) and it is followed only within this account.
   */
  async list(path: string, listKey: string, page: PageRequest, params: Params = {}): Promise<ListPage> {
    let body: VendorRecord;
    if (page.cursor) {
      const next = new URL(page.cursor, 'http://cursor.invalid');
      if (!next.pathname.startsWith(`${this.accountPath}/`) && next.pathname !== `${this.accountPath}.json`) {
        throw new BadRequestError('nextPage does not belong to this instance');
      }
      body = await this.call('get', `${next.pathname}${next.search}`);
    } else {
      body = await this.call('get', path, { ...params, PageSize: page.pageSize, Page: page.pageIndex ?? 0 });
    }
    const records = body[listKey];
    if (!Array.isArray(records) || !records.every(isRecord)) {
      throw new VendorUnavailableError(`Twilio answered a list without a '${listKey}' array of objects`);
    }
    const cursor = typeof body['next_page_uri'] === 'string' && body['next_page_uri'] ? body['next_page_uri'] : undefined;
    return { records: records as VendorRecord[], ...(cursor ? { cursor } : {}) };
  }

  private async call(method: 'get' | 'post' | 'delete', path: string, params?: Params, data?: Params): Promise<VendorRecord> {
    const response = await this.client.request({
      method,
      uri: `${this.client.api.baseUrl}${path}`,
      ...(params ? { params: compact(params) } : {}),
      ...(data ? { data: compact(data) } : {}),
    });
    if (response.statusCode < 200 || response.statusCode >= 300) throw new RestException(response);
    if (response.statusCode === 204 || response.body === '' || response.body === undefined) return {};
    let body: unknown = response.body;
    if (typeof body === 'string') {
      try {
        body = JSON.parse(body);
      } catch {
        throw new VendorUnavailableError('Twilio answered something that is not JSON');
      }
    }
    // A vendor's unexpected answer is a 502 naming the vendor, not a 500 of the hub's.
    if (!isRecord(body)) throw new VendorUnavailableError('Twilio answered JSON that is not an object');
    return body;
  }
}

function isRecord(value: unknown): value is VendorRecord {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function compact(params: Params): Record<string, string | readonly string[]> {
  const out: Record<string, string | readonly string[]> = {};
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined) continue;
    out[key] = Array.isArray(value) ? value : String(value);
  }
  return out;
}
