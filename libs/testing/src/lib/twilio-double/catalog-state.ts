import type { DoubleClock } from './clock';
import { type ListSpec, type PageParams, oldestFirst, pageEnvelope, readPageParams } from './paging';
import type { SidFactory } from './sids';
import { API_PREFIX, type Params, single } from './state';
import { TwilioApiError, TwilioErrors, isE164, rfc2822 } from './twilio-format';

/**
 * The rest of what the twiliov2 element calls, statefully: addresses, the inventory of numbers to
 * buy (per country and type), the account's own numbers, usage records and calls. Shapes and list
 * keys follow Twilio's OpenAPI description (twilio_api_v2010.yaml).
 */

type Json = Record<string, unknown>;
interface Row {
  readonly sid: string;
  readonly accountSid: string;
  readonly seq: number;
  readonly createdAt: number;
  json: Json;
}

export type NumberType = 'Local' | 'Mobile' | 'TollFree';
interface Available {
  readonly phoneNumber: string;
  readonly country: string;
  readonly type: NumberType;
  readonly locality: string;
  readonly region: string;
  readonly capabilities: { voice: boolean; SMS: boolean; MMS: boolean; fax: boolean };
  readonly postalCode: string | null;
  readonly rateCenter: string | null;
  readonly lata: string | null;
  readonly latitude: number | null;
  readonly longitude: number | null;
  /** Twilio's address_requirements: none, any, local or foreign. */
  readonly addressRequirements: 'none' | 'any' | 'local' | 'foreign';
  readonly beta: boolean;
}

/** Where the inventory's places are (postal code, rate center, LATA, latitude, longitude). */
const PLACES: Record<string, [string, string, string, number, number]> = {
  Oakland: ['94612', 'OKLD', '722', 37.8044, -122.2712],
  Berkeley: ['94704', 'BERKELEY', '722', 37.8716, -122.2727],
  'San Francisco': ['94105', 'SNFC CNTRL', '722', 37.7749, -122.4194],
  'New York': ['10001', 'NWYRCYZN01', '132', 40.7128, -74.006],
  London: ['EC1A', '', '', 51.5074, -0.1278],
  Vancouver: ['V6B', 'VANCOUVER', '888', 49.2827, -123.1207],
};
/** Numbers of the inventory whose address requirements or beta flag differ from none and false. */
const SPECIAL: Record<string, Partial<Pick<Available, 'addressRequirements' | 'beta'>>> = {
  '+15105550102': { addressRequirements: 'local' },
  '+14155550104': { beta: true },
  '+12125550105': { addressRequirements: 'any' },
  '+442075550108': { addressRequirements: 'foreign' },
};

const COUNTRIES: Record<string, { name: string; types: Partial<Record<NumberType, Available[]>> }> = {};
function inventory(
  country: string,
  name: string,
  type: NumberType,
  rows: [string, string, string, boolean, boolean, boolean][],
) {
  COUNTRIES[country] ??= { name, types: {} };
  COUNTRIES[country].types[type] = rows.map(([phoneNumber, locality, region, sms, mms, voice]) => {
    const [postalCode, rateCenter, lata, latitude, longitude] = PLACES[locality] ?? [];
    return {
      phoneNumber,
      country,
      type,
      locality,
      region,
      capabilities: { voice, SMS: sms, MMS: mms, fax: false },
      postalCode: postalCode || null,
      rateCenter: rateCenter || null,
      lata: lata || null,
      latitude: latitude ?? null,
      longitude: longitude ?? null,
      addressRequirements: SPECIAL[phoneNumber]?.addressRequirements ?? 'none',
      beta: SPECIAL[phoneNumber]?.beta ?? false,
    };
  });
}
inventory('US', 'United States', 'Local', [
  ['+15105550101', 'Oakland', 'CA', true, true, true],
  ['+15105550102', 'Oakland', 'CA', true, false, true],
  ['+15105550103', 'Berkeley', 'CA', false, false, true],
  ['+14155550104', 'San Francisco', 'CA', true, true, true],
  ['+12125550105', 'New York', 'NY', true, true, false],
]);
inventory('US', 'United States', 'TollFree', [
  ['+18005550106', '', '', true, false, true],
  ['+18885550107', '', '', true, true, true],
]);
inventory('US', 'United States', 'Mobile', []);
inventory('GB', 'United Kingdom', 'Local', [['+442075550108', 'London', 'ENG', false, false, true]]);
inventory('GB', 'United Kingdom', 'Mobile', [
  ['+447700900109', '', '', true, false, true],
  ['+447700900110', '', '', true, true, true],
]);
inventory('CA', 'Canada', 'Local', [['+16045550111', 'Vancouver', 'BC', true, true, true]]);

const boolParam = (value: string | undefined, name: string): boolean | undefined => {
  if (value === undefined) return undefined;
  if (value === 'true' || value === 'false') return value === 'true';
  throw TwilioErrors.invalidParameter(`Invalid value for ${name}: ${value}`);
};

/** Twilio's Contains: digits, letters (as on a phone keypad) and `*` for any one digit, anywhere in the number. */
function containsPattern(pattern: string): RegExp {
  if (!/^[0-9a-zA-Z*]+$/.test(pattern)) throw TwilioErrors.invalidParameter(`Invalid value for Contains: ${pattern}`);
  const keypad = ['', '', 'abc', 'def', 'ghi', 'jkl', 'mno', 'pqrs', 'tuv', 'wxyz'];
  const digit = (ch: string) => (/\d/.test(ch) ? ch : String(keypad.findIndex((keys) => keys.includes(ch.toLowerCase()))));
  return new RegExp([...pattern].map((ch) => (ch === '*' ? '\\d' : digit(ch))).join(''));
}

/** Miles between two points (haversine). */
function miles(a: readonly [number, number], b: readonly [number, number]): number {
  const rad = (d: number) => (d * Math.PI) / 180;
  const h =
    Math.sin(rad(b[0] - a[0]) / 2) ** 2 + Math.cos(rad(a[0])) * Math.cos(rad(b[0])) * Math.sin(rad(b[1] - a[1]) / 2) ** 2;
  return 2 * 3958.8 * Math.asin(Math.sqrt(h));
}

/**
 * Twilio's filters of AvailablePhoneNumbers/{Country}/{Type}, as its documentation describes them:
 * capabilities, Beta (false leaves out numbers new to Twilio), the address exclusions, places,
 * AreaCode, Contains, and NearNumber / NearLatLong within Distance miles (default 25).
 */
function availableFilter(q: (name: string) => string | undefined, inventory: readonly Available[]): (n: Available) => boolean {
  const flag = (name: string) => boolParam(q(name), name);
  const sms = flag('SmsEnabled');
  const mms = flag('MmsEnabled');
  const voice = flag('VoiceEnabled');
  const fax = flag('FaxEnabled');
  const beta = flag('Beta');
  const excludeAll = flag('ExcludeAllAddressRequired');
  const excludeLocal = flag('ExcludeLocalAddressRequired');
  const excludeForeign = flag('ExcludeForeignAddressRequired');
  const areaCode = q('AreaCode');
  if (areaCode !== undefined && !/^\d{3}$/.test(areaCode)) throw TwilioErrors.invalidParameter(`Invalid value for AreaCode: ${areaCode}`);
  const contains = q('Contains') === undefined ? undefined : containsPattern(q('Contains') ?? '');
  const distanceText = q('Distance');
  if (distanceText !== undefined && !/^\d+$/.test(distanceText)) throw TwilioErrors.invalidParameter(`Invalid value for Distance: ${distanceText}`);
  const distance = Number(distanceText ?? 25);
  let near: [number, number] | undefined;
  const nearLatLong = q('NearLatLong');
  if (nearLatLong !== undefined) {
    const parts = nearLatLong.split(',').map(Number);
    if (parts.length !== 2 || parts.some(Number.isNaN)) throw TwilioErrors.invalidParameter(`Invalid value for NearLatLong: ${nearLatLong}`);
    near = [parts[0], parts[1]];
  }
  const nearNumber = q('NearNumber');
  if (nearNumber !== undefined) {
    const at = inventory.find((n) => n.phoneNumber === nearNumber && n.latitude !== null);
    if (!at) throw TwilioErrors.invalidParameter(`Invalid value for NearNumber: ${nearNumber} (no location known)`);
    near = [at.latitude as number, at.longitude as number];
  }
  const same = (name: string, actual: string | null) => q(name) === undefined || actual === q(name);
  return (n) =>
    (sms === undefined || n.capabilities.SMS === sms) &&
    (mms === undefined || n.capabilities.MMS === mms) &&
    (voice === undefined || n.capabilities.voice === voice) &&
    (fax === undefined || n.capabilities.fax === fax) &&
    (beta !== false || !n.beta) &&
    (excludeAll !== true || n.addressRequirements === 'none') &&
    (excludeLocal !== true || n.addressRequirements !== 'local') &&
    (excludeForeign !== true || n.addressRequirements !== 'foreign') &&
    (areaCode === undefined || n.phoneNumber.startsWith(`+1${areaCode}`)) &&
    (contains === undefined || contains.test(n.phoneNumber.slice(1))) &&
    same('InRegion', n.region || null) &&
    same('InLocality', n.locality || null) &&
    same('InPostalCode', n.postalCode) &&
    same('InRateCenter', n.rateCenter) &&
    same('InLata', n.lata) &&
    (near === undefined || (n.latitude !== null && n.longitude !== null && miles(near, [n.latitude, n.longitude]) <= distance));
}

export class CatalogState {
  private seq = 0;
  private readonly addresses = new Map<string, Row>();
  private readonly numbers = new Map<string, Row>();
  private readonly calls = new Map<string, Row>();
  private readonly bought = new Set<string>();

  constructor(
    private readonly clock: DoubleClock,
    private readonly sids: SidFactory,
    private readonly messageCounts: (accountSid: string) => { outbound: number; inbound: number },
  ) {}

  /** Serves a request under /2010-04-01/Accounts/{AccountSid}/…, or answers undefined when the path is not ours. */
  route(
    method: string,
    path: string,
    accountSid: string,
    query: Params,
    params: Params,
  ): { status: number; body?: unknown } | undefined {
    const under = path.slice(`${API_PREFIX}/Accounts/${accountSid}`.length);
    const q = (k: string) => single(query, k);
    let m: RegExpExecArray | null;
    if (under === '/Addresses.json') {
      if (method === 'GET')
        return {
          status: 200,
          body: this.list(
            'addresses',
            this.addresses,
            accountSid,
            path,
            query,
            ['CustomerName', 'FriendlyName', 'IsoCountry'],
            (r, f) =>
              (f['CustomerName'] === undefined || r.json['customer_name'] === f['CustomerName']) &&
              (f['FriendlyName'] === undefined || r.json['friendly_name'] === f['FriendlyName']) &&
              (f['IsoCountry'] === undefined || r.json['iso_country'] === f['IsoCountry']),
          ),
        };
      if (method === 'POST') return { status: 201, body: this.createAddress(accountSid, params) };
      throw TwilioErrors.methodNotAllowed(method);
    }
    if ((m = /^\/Addresses\/(AD[0-9a-f]{32})\.json$/.exec(under))) {
      const row = this.owned(this.addresses, accountSid, m[1], path);
      if (method === 'GET') return { status: 200, body: row.json };
      if (method === 'POST') return { status: 200, body: this.update(row, params, ADDRESS_FIELDS) };
      if (method === 'DELETE') return (this.addresses.delete(row.sid), { status: 204 });
      throw TwilioErrors.methodNotAllowed(method);
    }
    if (under === '/AvailablePhoneNumbers.json' && method === 'GET') {
      const countries = Object.entries(COUNTRIES).map(([code, c], i) => ({ code, c, seq: i }));
      const spec: ListSpec<(typeof countries)[number]> = {
        sorted: countries,
        order: oldestFirst,
        positionOf: (x) => ({ key: x.seq, seq: x.seq }),
        sidOf: (x) => x.code,
        resolveSid: (code) =>
          countries.find((x) => x.code === code) && {
            key: countries.findIndex((x) => x.code === code),
            seq: countries.findIndex((x) => x.code === code),
          },
        sidPattern: /^[A-Z]{2}$/,
      };
      return {
        status: 200,
        body: pageEnvelope('countries', spec, readPageParams(singles(query)), path, [], (x) =>
          this.countryJson(accountSid, x.code),
        ),
      };
    }
    if ((m = /^\/AvailablePhoneNumbers\/([A-Z]{2})\.json$/.exec(under)) && method === 'GET') {
      if (!COUNTRIES[m[1]]) throw TwilioErrors.notFound(path);
      return { status: 200, body: this.countryJson(accountSid, m[1]) };
    }
    if (
      (m = /^\/AvailablePhoneNumbers\/([A-Z]{2})\/(Local|Mobile|TollFree)\.json$/.exec(under)) &&
      method === 'GET'
    ) {
      const available = COUNTRIES[m[1]]?.types[m[2] as NumberType];
      if (!available) throw TwilioErrors.notFound(path);
      const wanted = availableFilter(q, Object.values(COUNTRIES).flatMap((c) => Object.values(c.types).flat()) as Available[]);
      const matching = available.filter((n) => !this.bought.has(n.phoneNumber) && wanted(n));
      // Twilio answers one page of suggestions: no paging for available numbers.
      const pageSize = Math.min(Number(q('PageSize') ?? 50) || 50, 1000);
      return {
        status: 200,
        body: {
          available_phone_numbers: matching.slice(0, pageSize).map((n) => ({
            friendly_name: `(${n.phoneNumber.slice(2, 5)}) ${n.phoneNumber.slice(5, 8)}-${n.phoneNumber.slice(8)}`,
            phone_number: n.phoneNumber,
            locality: n.locality || null,
            region: n.region || null,
            iso_country: n.country,
            postal_code: n.postalCode,
            lata: n.lata,
            rate_center: n.rateCenter,
            latitude: n.latitude === null ? null : n.latitude.toFixed(6),
            longitude: n.longitude === null ? null : n.longitude.toFixed(6),
            address_requirements: n.addressRequirements,
            beta: n.beta,
            capabilities: n.capabilities,
          })),
          uri: `${path}?PageSize=${pageSize}`,
        },
      };
    }
    if (under === '/IncomingPhoneNumbers.json') {
      if (method === 'GET')
        return {
          status: 200,
          body: this.list(
            'incoming_phone_numbers',
            this.numbers,
            accountSid,
            path,
            query,
            ['FriendlyName', 'PhoneNumber'],
            (r, f) =>
              (f['FriendlyName'] === undefined || r.json['friendly_name'] === f['FriendlyName']) &&
              (f['PhoneNumber'] === undefined || String(r.json['phone_number']).includes(f['PhoneNumber'])),
          ),
        };
      if (method === 'POST') return { status: 201, body: this.buy(accountSid, params) };
      throw TwilioErrors.methodNotAllowed(method);
    }
    if ((m = /^\/IncomingPhoneNumbers\/(PN[0-9a-f]{32})\.json$/.exec(under))) {
      const row = this.owned(this.numbers, accountSid, m[1], path);
      if (method === 'GET') return { status: 200, body: row.json };
      if (method === 'POST') return { status: 200, body: this.update(row, params, NUMBER_FIELDS) };
      if (method === 'DELETE') {
        this.numbers.delete(row.sid);
        this.bought.delete(String(row.json['phone_number']));
        return { status: 204 };
      }
      throw TwilioErrors.methodNotAllowed(method);
    }
    if (under === '/Usage/Records.json' && method === 'GET')
      return { status: 200, body: this.usage(accountSid, path, query) };
    if (under === '/Calls.json') {
      if (method === 'GET')
        return {
          status: 200,
          body: this.list(
            'calls',
            this.calls,
            accountSid,
            path,
            query,
            ['To', 'From', 'Status'],
            (r, f) =>
              (f['To'] === undefined || r.json['to'] === f['To']) &&
              (f['From'] === undefined || r.json['from'] === f['From']) &&
              (f['Status'] === undefined || this.callJson(r)['status'] === f['Status']),
            (r) => this.callJson(r),
          ),
        };
      if (method === 'POST') return { status: 201, body: this.placeCall(accountSid, params) };
      throw TwilioErrors.methodNotAllowed(method);
    }
    if ((m = /^\/Calls\/(CA[0-9a-f]{32})\.json$/.exec(under)) && method === 'GET') {
      return { status: 200, body: this.callJson(this.owned(this.calls, accountSid, m[1], path)) };
    }
    return undefined;
  }

  private next(prefix: string, accountSid: string, json: Json): Row {
    const now = this.clock.nowMs();
    const sid = this.sids.next(prefix);
    return {
      sid,
      accountSid,
      seq: ++this.seq,
      createdAt: now,
      json: { sid, account_sid: accountSid, date_created: rfc2822(now), date_updated: rfc2822(now), ...json },
    };
  }

  private owned(rows: Map<string, Row>, accountSid: string, sid: string, path: string): Row {
    const row = rows.get(sid);
    if (!row || row.accountSid !== accountSid) throw TwilioErrors.notFound(path);
    return row;
  }

  private update(row: Row, params: Params, fields: Readonly<Record<string, string>>): Json {
    for (const [param, field] of Object.entries(fields)) {
      const value = single(params, param);
      if (value !== undefined) row.json[field] = value;
    }
    row.json['date_updated'] = rfc2822(this.clock.nowMs());
    return row.json;
  }

  private list(
    key: string,
    rows: Map<string, Row>,
    accountSid: string,
    path: string,
    query: Params,
    filterNames: readonly string[],
    keep: (row: Row, filters: Record<string, string | undefined>) => boolean,
    toJson: (row: Row) => Json = (r) => r.json,
  ): Json {
    const filters = singles(query);
    const sorted = [...rows.values()]
      .filter((r) => r.accountSid === accountSid && keep(r, filters))
      .sort((a, b) => a.seq - b.seq);
    const spec: ListSpec<Row> = {
      sorted,
      order: oldestFirst,
      positionOf: (r) => ({ key: r.createdAt, seq: r.seq }),
      sidOf: (r) => r.sid,
      resolveSid: (sid) => {
        const r = rows.get(sid);
        return r && { key: r.createdAt, seq: r.seq };
      },
      sidPattern: /^[A-Z]{2}[0-9a-f]{32}$/,
    };
    const present = filterNames
      .filter((n) => filters[n] !== undefined)
      .map((n) => [n, String(filters[n])] as const);
    return pageEnvelope(key, spec, readPageParams(filters), path, present, toJson);
  }

  private createAddress(accountSid: string, params: Params): Json {
    const required: [string, number][] = [
      ['CustomerName', 21628],
      ['Street', 21629],
      ['City', 21627],
      ['Region', 21630],
      ['PostalCode', 21631],
      ['IsoCountry', 21632],
    ];
    for (const [name, code] of required) {
      if (!single(params, name)) throw new TwilioApiError(400, code, `${name} is required.`);
    }
    const row = this.next('AD', accountSid, {
      customer_name: single(params, 'CustomerName'),
      friendly_name: single(params, 'FriendlyName') ?? null,
      street: single(params, 'Street'),
      street_secondary: single(params, 'StreetSecondary') ?? null,
      city: single(params, 'City'),
      region: single(params, 'Region'),
      postal_code: single(params, 'PostalCode'),
      iso_country: single(params, 'IsoCountry'),
      emergency_enabled: single(params, 'EmergencyEnabled') === 'true',
      validated: true,
      verified: false,
    });
    row.json['uri'] = `${API_PREFIX}/Accounts/${accountSid}/Addresses/${row.sid}.json`;
    this.addresses.set(row.sid, row);
    return row.json;
  }

  private countryJson(accountSid: string, code: string): Json {
    const base = `${API_PREFIX}/Accounts/${accountSid}/AvailablePhoneNumbers/${code}`;
    const types = Object.keys(COUNTRIES[code].types) as NumberType[];
    const names: Record<NumberType, string> = { Local: 'local', Mobile: 'mobile', TollFree: 'toll_free' };
    return {
      country_code: code,
      country: COUNTRIES[code].name,
      beta: false,
      uri: `${base}.json`,
      subresource_uris: Object.fromEntries(types.map((t) => [names[t], `${base}/${t}.json`])),
    };
  }

  private buy(accountSid: string, params: Params): Json {
    const phoneNumber = single(params, 'PhoneNumber');
    const areaCode = single(params, 'AreaCode');
    if (!phoneNumber && !areaCode)
      throw new TwilioApiError(400, 21452, 'A PhoneNumber or AreaCode is required.');
    const all = Object.values(COUNTRIES).flatMap((c) => Object.values(c.types).flat()) as Available[];
    const candidate = phoneNumber
      ? all.find((n) => n.phoneNumber === phoneNumber && !this.bought.has(n.phoneNumber))
      : all.find((n) => n.phoneNumber.startsWith(`+1${areaCode}`) && !this.bought.has(n.phoneNumber));
    if (!candidate) {
      throw phoneNumber
        ? new TwilioApiError(400, 21422, `PhoneNumber ${phoneNumber} is not available.`)
        : new TwilioApiError(400, 21452, `No phone numbers found in area code ${areaCode}.`);
    }
    this.bought.add(candidate.phoneNumber);
    const row = this.next('PN', accountSid, {
      phone_number: candidate.phoneNumber,
      friendly_name: single(params, 'FriendlyName') ?? candidate.phoneNumber,
      iso_country: candidate.country,
      capabilities: {
        voice: candidate.capabilities.voice,
        sms: candidate.capabilities.SMS,
        mms: candidate.capabilities.MMS,
        fax: false,
      },
      sms_url: single(params, 'SmsUrl') ?? '',
      sms_method: single(params, 'SmsMethod') ?? 'POST',
      voice_url: single(params, 'VoiceUrl') ?? '',
      status_callback: single(params, 'StatusCallback') ?? '',
      origin: 'twilio',
      status: 'in-use',
    });
    row.json['uri'] = `${API_PREFIX}/Accounts/${accountSid}/IncomingPhoneNumbers/${row.sid}.json`;
    this.numbers.set(row.sid, row);
    return row.json;
  }

  private usage(accountSid: string, path: string, query: Params): Json {
    const filters = singles(query);
    const counts = this.messageCounts(accountSid);
    const numbers = [...this.numbers.values()].filter((n) => n.accountSid === accountSid).length;
    const calls = [...this.calls.values()].filter((c) => c.accountSid === accountSid).length;
    const today = new Date(this.clock.nowMs()).toISOString().slice(0, 10);
    const records = [
      ['sms', 'SMS', counts.outbound + counts.inbound, '0.0079'],
      ['sms-outbound', 'SMS outbound', counts.outbound, '0.0079'],
      ['sms-inbound', 'SMS inbound', counts.inbound, '0.0079'],
      ['phonenumbers', 'Phone numbers', numbers, '1.15'],
      ['calls', 'Voice minutes', calls, '0.013'],
      ['calls-inbound', 'Voice minutes inbound', 0, '0.0085'],
      ['calls-outbound', 'Voice minutes outbound', calls, '0.013'],
      ['mms', 'MMS', 0, '0.02'],
      ['mms-inbound', 'MMS inbound', 0, '0.01'],
      ['mms-outbound', 'MMS outbound', 0, '0.02'],
      ['phonenumbers-local', 'Local phone numbers', numbers, '1.15'],
      ['phonenumbers-tollfree', 'Toll-free phone numbers', 0, '2.15'],
      ['recordings', 'Voice recordings', 0, '0.0025'],
      ['transcriptions', 'Voice transcriptions', 0, '0.05'],
      ['totalprice', 'Total price', 0, '0'],
    ]
      .filter(([category]) => filters['Category'] === undefined || category === filters['Category'])
      .map(([category, description, count, unitPrice], i) => ({
        seq: i,
        sid: String(category),
        json: {
          account_sid: accountSid,
          api_version: '2010-04-01',
          category,
          description,
          count: String(count),
          count_unit: category === 'phonenumbers' ? 'numbers' : category === 'calls' ? 'calls' : 'messages',
          usage: String(count),
          usage_unit: category === 'phonenumbers' ? 'numbers' : category === 'calls' ? 'minutes' : 'segments',
          price: (Number(count) * Number(unitPrice)).toFixed(4),
          price_unit: 'usd',
          start_date: filters['StartDate'] ?? '2010-01-01',
          end_date: filters['EndDate'] ?? today,
          as_of: new Date(this.clock.nowMs()).toISOString(),
          uri: `${path}?Category=${category}`,
        },
      }));
    const spec: ListSpec<(typeof records)[number]> = {
      sorted: records,
      order: oldestFirst,
      positionOf: (r) => ({ key: r.seq, seq: r.seq }),
      sidOf: (r) => r.sid,
      resolveSid: (sid) => {
        const r = records.find((x) => x.sid === sid);
        return r && { key: r.seq, seq: r.seq };
      },
      sidPattern: /^[a-z-]+$/,
    };
    const present = ['Category', 'StartDate', 'EndDate']
      .filter((n) => filters[n] !== undefined)
      .map((n) => [n, String(filters[n])] as const);
    return pageEnvelope('usage_records', spec, readPageParams(filters), path, present, (r) => r.json);
  }

  private placeCall(accountSid: string, params: Params): Json {
    const to = single(params, 'To');
    const from = single(params, 'From');
    if (!to) throw new TwilioApiError(400, 21201, "A 'To' phone number is required.");
    if (!from) throw new TwilioApiError(400, 21213, "A 'From' phone number is required.");
    if (!isE164(to)) throw new TwilioApiError(400, 21217, `Phone number ${to} is not a valid phone number.`);
    if (!single(params, 'Url') && !single(params, 'Twiml') && !single(params, 'ApplicationSid')) {
      throw new TwilioApiError(400, 21205, 'Either Url, Twiml or ApplicationSid is required.');
    }
    const row = this.next('CA', accountSid, {
      to,
      from,
      direction: 'outbound-api',
      price: null,
      price_unit: 'USD',
      answered_by: null,
      parent_call_sid: null,
    });
    row.json['uri'] = `${API_PREFIX}/Accounts/${accountSid}/Calls/${row.sid}.json`;
    this.calls.set(row.sid, row);
    return this.callJson(row);
  }

  /** Calls progress on the double's clock: queued, ringing (1 s), in-progress (3 s), completed (33 s, 30 s long). */
  private callJson(row: Row): Json {
    const elapsed = this.clock.nowMs() - row.createdAt;
    const status =
      elapsed < 1_000
        ? 'queued'
        : elapsed < 3_000
          ? 'ringing'
          : elapsed < 33_000
            ? 'in-progress'
            : 'completed';
    const started = elapsed >= 3_000 ? rfc2822(row.createdAt + 3_000) : null;
    return {
      ...row.json,
      status,
      start_time: started,
      end_time: status === 'completed' ? rfc2822(row.createdAt + 33_000) : null,
      duration: status === 'completed' ? '30' : null,
      date_updated: rfc2822(
        row.createdAt +
          (status === 'completed'
            ? 33_000
            : status === 'in-progress'
              ? 3_000
              : status === 'ringing'
                ? 1_000
                : 0),
      ),
    };
  }
}

const ADDRESS_FIELDS = {
  FriendlyName: 'friendly_name',
  CustomerName: 'customer_name',
  Street: 'street',
  StreetSecondary: 'street_secondary',
  City: 'city',
  Region: 'region',
  PostalCode: 'postal_code',
} as const;

const NUMBER_FIELDS = {
  FriendlyName: 'friendly_name',
  SmsUrl: 'sms_url',
  SmsMethod: 'sms_method',
  VoiceUrl: 'voice_url',
  StatusCallback: 'status_callback',
} as const;

function singles(params: Params): Record<string, string | undefined> {
  return Object.fromEntries(Object.keys(params).map((k) => [k, single(params, k)]));
}

export type { PageParams };
