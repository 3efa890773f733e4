import type { DoubleClock } from './clock';
import { toEpochMs } from './clock';
import { dateFilter } from './date-filter';
import {
  type ListSpec,
  type PageParams,
  type SortPosition,
  newestFirst,
  oldestFirst,
  pageEnvelope,
} from './paging';
import {
  ACCOUNT_SID_PATTERN,
  MEDIA_SID_PATTERN,
  MESSAGE_SID_PATTERN,
  MESSAGING_SERVICE_SID_PATTERN,
  type SidFactory,
} from './sids';
import {
  TwilioApiError,
  TwilioErrors,
  countSegments,
  guessContentType,
  isHttpUrl,
  isValidFrom,
  isValidTo,
  rfc2822,
} from './twilio-format';
import type {
  AccountCredentials,
  AccountStatus,
  AccountType,
  AddAccountOptions,
  AddInboundMessageOptions,
  MessageDirection,
  MessageStatus,
  RecipientOutcome,
  SeedMessagesOptions,
  StatusProgression,
  TwilioAccountJson,
  TwilioMediaJson,
  TwilioMessageJson,
  TwilioPageEnvelope,
} from './types';

export const API_PREFIX = '/2010-04-01';

/** Decoded form or query parameters; repeated keys become arrays. */
export type Params = Record<string, string | string[]>;

export const DEFAULT_PROGRESSION: StatusProgression = {
  sendingAfterMs: 1_000,
  sentAfterMs: 2_000,
  deliveredAfterMs: 5_000,
};

/** Twilio refuses to delete a message whose delivery is not final yet. */
const IN_PROGRESS: ReadonlySet<MessageStatus> = new Set<MessageStatus>([
  'queued',
  'accepted',
  'scheduled',
  'sending',
  'sent',
  'receiving',
]);
const CANCELABLE: ReadonlySet<MessageStatus> = new Set<MessageStatus>(['queued', 'accepted', 'scheduled']);
const NOT_YET_SENT: ReadonlySet<MessageStatus> = new Set<MessageStatus>([
  'queued',
  'accepted',
  'scheduled',
  'sending',
  'failed',
  'canceled',
  'receiving',
]);
const ACCOUNT_STATUSES: ReadonlySet<string> = new Set<AccountStatus>(['active', 'suspended', 'closed']);
const MAX_BODY = 1600;
const MAX_MEDIA = 10;
const SMS_PRICE = 0.0079;
const MMS_PRICE = 0.02;

interface AccountRecord {
  seq: number;
  sid: string;
  authToken: string;
  friendlyName: string;
  status: AccountStatus;
  type: AccountType;
  ownerAccountSid: string;
  createdAt: number;
  updatedAt: number;
}

/** Drives an outbound message through its statuses as the clock moves. */
interface Plan {
  /** Creation time, or SendAt for a scheduled message. */
  base: number;
  initial: 'queued' | 'accepted';
  /** 0 scheduled, 1 queued/accepted, 2 sending, 3 sent (or failed), 4 delivered (or undelivered). */
  stage: number;
  outcome: RecipientOutcome | undefined;
}

interface MessageRecord {
  seq: number;
  sid: string;
  accountSid: string;
  messagingServiceSid: string | null;
  from: string | null;
  to: string;
  body: string;
  direction: MessageDirection;
  numSegments: number;
  numMedia: number;
  mediaSids: string[];
  createdAt: number;
  updatedAt: number;
  dateSent: number | null;
  status: MessageStatus;
  price: string | null;
  priceUnit: string | null;
  errorCode: number | null;
  errorMessage: string | null;
  plan: Plan | null;
}

interface MediaRecord {
  seq: number;
  sid: string;
  accountSid: string;
  messageSid: string;
  contentType: string;
  url: string;
  createdAt: number;
}

export function single(params: Params, key: string): string | undefined {
  const value = params[key];
  return Array.isArray(value) ? value[value.length - 1] : value;
}

function multi(params: Params, key: string): string[] {
  const value = params[key];
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

function singles(params: Params): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const key of Object.keys(params)) {
    out[key] = single(params, key);
  }
  return out;
}

function present(filters: Record<string, string | undefined>, names: readonly string[]): [string, string][] {
  const out: [string, string][] = [];
  for (const name of names) {
    const value = filters[name];
    if (value !== undefined) {
      out.push([name, value]);
    }
  }
  return out;
}

function formatPrice(amount: number): string {
  return (-amount).toFixed(5);
}

function subaccountDefaultName(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  const hours = d.getUTCHours();
  const hour12 = hours % 12 === 0 ? 12 : hours % 12;
  return `SubAccount Created at ${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(
    hour12,
  )}:${pad(d.getUTCMinutes())} ${hours < 12 ? 'am' : 'pm'}`;
}

/** Everything the double remembers: accounts, messages, media, and how messages progress. */
export class DoubleState {
  private seq = 0;
  private readonly accounts = new Map<string, AccountRecord>();
  private readonly messages = new Map<string, MessageRecord>();
  /** The same messages by account: a list reads its account's messages, not every account's (a bench holds thousands of accounts). */
  private readonly messagesByAccount = new Map<string, Set<MessageRecord>>();
  private readonly media = new Map<string, MediaRecord>();
  /** Positions of deleted records, so a PageToken naming one still works. */
  private readonly messageTombstones = new Map<string, SortPosition>();
  private readonly mediaTombstones = new Map<string, SortPosition>();
  private readonly inFlight = new Set<MessageRecord>();
  private readonly optOuts = new Set<string>();
  private readonly outcomes = new Map<string, RecipientOutcome>();

  constructor(
    private readonly clock: DoubleClock,
    private readonly sids: SidFactory,
    readonly progression: StatusProgression,
  ) {
    const { sendingAfterMs, sentAfterMs, deliveredAfterMs } = progression;
    if (!(0 <= sendingAfterMs && sendingAfterMs <= sentAfterMs && sentAfterMs <= deliveredAfterMs)) {
      throw new TypeError('Status progression needs 0 ≤ sendingAfterMs ≤ sentAfterMs ≤ deliveredAfterMs');
    }
  }

  // ---- accounts -------------------------------------------------------------------------------

  addAccount(options: AddAccountOptions = {}): AccountCredentials {
    const sid = options.sid ?? this.sids.next('AC');
    if (!ACCOUNT_SID_PATTERN.test(sid)) {
      throw new TypeError(`Account SID must match ${ACCOUNT_SID_PATTERN}: ${sid}`);
    }
    if (this.accounts.has(sid)) {
      throw new TypeError(`Account ${sid} already exists`);
    }
    const owner = options.ownerAccountSid;
    if (owner !== undefined && !this.accounts.has(owner)) {
      throw new TypeError(`Owner account ${owner} does not exist`);
    }
    if (options.status !== undefined && !ACCOUNT_STATUSES.has(options.status)) {
      throw new TypeError(`Invalid account status: ${options.status}`);
    }
    const authToken = options.authToken ?? this.sids.token();
    if (authToken === '') {
      throw new TypeError('Auth token must not be empty');
    }
    const now = this.clock.nowMs();
    this.accounts.set(sid, {
      seq: ++this.seq,
      sid,
      authToken,
      friendlyName:
        options.friendlyName ??
        (owner !== undefined ? subaccountDefaultName(now) : 'Twilio test double account'),
      status: options.status ?? 'active',
      type: options.type ?? 'Full',
      ownerAccountSid: owner ?? sid,
      createdAt: now,
      updatedAt: now,
    });
    return { sid, authToken };
  }

  hasAccount(sid: string): boolean {
    return this.accounts.has(sid);
  }

  /** Basic-auth check: the username is an Account SID, the password its auth token; closed accounts fail. */
  authenticate(username: string, password: string): boolean {
    const account = this.accounts.get(username);
    return account !== undefined && account.authToken === password && account.status !== 'closed';
  }

  /** Whether credentials of `authSid` may act on account `pathSid` (itself, or a subaccount it owns). */
  canAccess(authSid: string, pathSid: string): boolean {
    if (authSid === pathSid) {
      return true;
    }
    const target = this.accounts.get(pathSid);
    return target !== undefined && target.ownerAccountSid === authSid;
  }

  accountJson(sid: string): TwilioAccountJson | undefined {
    const account = this.accounts.get(sid);
    return account && this.toAccountJson(account);
  }

  listAccounts(
    authSid: string,
    query: Params,
    params: PageParams,
  ): TwilioPageEnvelope & Record<string, unknown> {
    const filters = singles(query);
    const friendlyName = filters['FriendlyName'];
    const status = filters['Status'];
    if (status !== undefined && !ACCOUNT_STATUSES.has(status)) {
      throw TwilioErrors.invalidParameter(`Invalid value for Status: ${status}`);
    }
    const sorted = [...this.accounts.values()]
      .filter((a) => a.sid === authSid || a.ownerAccountSid === authSid)
      .filter(
        (a) =>
          (friendlyName === undefined || a.friendlyName === friendlyName) &&
          (status === undefined || a.status === status),
      )
      .sort((a, b) => a.seq - b.seq);
    const spec: ListSpec<AccountRecord> = {
      sorted,
      order: oldestFirst,
      positionOf: (a) => ({ key: a.createdAt, seq: a.seq }),
      sidOf: (a) => a.sid,
      resolveSid: (sid) => {
        const a = this.accounts.get(sid);
        return a && { key: a.createdAt, seq: a.seq };
      },
      sidPattern: ACCOUNT_SID_PATTERN,
    };
    return pageEnvelope(
      'accounts',
      spec,
      params,
      `${API_PREFIX}/Accounts.json`,
      present(filters, ['FriendlyName', 'Status']),
      (a) => this.toAccountJson(a),
    );
  }

  createSubaccount(authSid: string, params: Params): TwilioAccountJson {
    const parent = this.accounts.get(authSid);
    if (!parent || parent.ownerAccountSid !== parent.sid) {
      throw new TwilioApiError(403, 20403, 'Subaccounts cannot create subaccounts');
    }
    const { sid } = this.addAccount({
      friendlyName: single(params, 'FriendlyName'),
      ownerAccountSid: authSid,
    });
    return this.toAccountJson(this.requireAccount(sid));
  }

  updateAccount(sid: string, params: Params): TwilioAccountJson {
    const account = this.requireAccount(sid);
    const friendlyName = single(params, 'FriendlyName');
    const status = single(params, 'Status');
    if (status !== undefined && !ACCOUNT_STATUSES.has(status)) {
      throw TwilioErrors.invalidParameter(`Invalid value for Status: ${status}`);
    }
    if (friendlyName !== undefined) {
      account.friendlyName = friendlyName;
    }
    if (status !== undefined) {
      account.status = status as AccountStatus;
    }
    account.updatedAt = this.clock.nowMs();
    return this.toAccountJson(account);
  }

  private requireAccount(sid: string): AccountRecord {
    const account = this.accounts.get(sid);
    if (!account) {
      throw new TypeError(`Unknown account ${sid}`);
    }
    return account;
  }

  private toAccountJson(a: AccountRecord): TwilioAccountJson {
    const base = `${API_PREFIX}/Accounts/${a.sid}`;
    const sub = (name: string) => `${base}/${name}.json`;
    return {
      auth_token: a.authToken,
      date_created: rfc2822(a.createdAt),
      date_updated: rfc2822(a.updatedAt),
      friendly_name: a.friendlyName,
      owner_account_sid: a.ownerAccountSid,
      sid: a.sid,
      status: a.status,
      subresource_uris: {
        available_phone_numbers: sub('AvailablePhoneNumbers'),
        calls: sub('Calls'),
        conferences: sub('Conferences'),
        incoming_phone_numbers: sub('IncomingPhoneNumbers'),
        notifications: sub('Notifications'),
        outgoing_caller_ids: sub('OutgoingCallerIds'),
        recordings: sub('Recordings'),
        transcriptions: sub('Transcriptions'),
        addresses: sub('Addresses'),
        signing_keys: sub('SigningKeys'),
        connect_apps: sub('ConnectApps'),
        sip: sub('SIP'),
        authorized_connect_apps: sub('AuthorizedConnectApps'),
        usage: sub('Usage'),
        keys: sub('Keys'),
        applications: sub('Applications'),
        short_codes: sub('SMS/ShortCodes'),
        queues: sub('Queues'),
        messages: sub('Messages'),
        balance: sub('Balance'),
      },
      type: a.type,
      uri: `${base}.json`,
    };
  }

  // ---- messages -------------------------------------------------------------------------------

  addOptOut(accountSid: string, to: string): void {
    this.optOuts.add(`${accountSid}|${to}`);
  }

  setRecipientOutcome(to: string, outcome: RecipientOutcome | null): void {
    if (outcome === null) {
      this.outcomes.delete(to);
    } else {
      this.outcomes.set(to, { ...outcome });
    }
  }

  /** POST …/Messages.json, with Twilio's validation. */
  createMessage(accountSid: string, params: Params): TwilioMessageJson {
    const to = single(params, 'To');
    if (to === undefined || to.trim() === '') {
      throw TwilioErrors.toRequired();
    }
    if (!isValidTo(to)) {
      throw TwilioErrors.invalidTo(to);
    }
    const from = nonEmpty(single(params, 'From'));
    const messagingServiceSid = nonEmpty(single(params, 'MessagingServiceSid'));
    if (from === undefined && messagingServiceSid === undefined) {
      throw TwilioErrors.fromRequired();
    }
    if (messagingServiceSid !== undefined && !MESSAGING_SERVICE_SID_PATTERN.test(messagingServiceSid)) {
      throw TwilioErrors.invalidMessagingService(messagingServiceSid);
    }
    if (from !== undefined && !isValidFrom(from)) {
      throw TwilioErrors.invalidFrom(from);
    }
    const body = single(params, 'Body') ?? '';
    const mediaUrls = multi(params, 'MediaUrl').filter((url) => url !== '');
    const contentSid = nonEmpty(single(params, 'ContentSid'));
    if (body === '' && mediaUrls.length === 0 && contentSid === undefined) {
      throw TwilioErrors.contentRequired();
    }
    if (body.length > MAX_BODY) {
      throw TwilioErrors.bodyTooLong();
    }
    if (mediaUrls.length > MAX_MEDIA) {
      throw TwilioErrors.tooManyMedia();
    }
    const badUrls = mediaUrls.filter((url) => !isHttpUrl(url));
    if (badUrls.length > 0) {
      throw TwilioErrors.invalidMediaUrls(badUrls);
    }
    if (this.optOuts.has(`${accountSid}|${to}`)) {
      throw TwilioErrors.unsubscribed();
    }
    const now = this.clock.nowMs();
    // Twilio drops SendAt/ScheduleType unless a Messaging Service is used.
    let sendAt: number | undefined;
    const sendAtRaw = single(params, 'SendAt');
    if (
      single(params, 'ScheduleType') === 'fixed' &&
      sendAtRaw !== undefined &&
      messagingServiceSid !== undefined
    ) {
      sendAt = Date.parse(sendAtRaw);
      if (!Number.isFinite(sendAt)) {
        throw TwilioErrors.invalidParameter(`Invalid value for SendAt: ${sendAtRaw}`);
      }
    }
    const initial = messagingServiceSid !== undefined && from === undefined ? 'accepted' : 'queued';
    const record = this.insertMessage({
      accountSid,
      messagingServiceSid: messagingServiceSid ?? null,
      from: from ?? null,
      to,
      body,
      direction: 'outbound-api',
      mediaUrls,
      createdAt: now,
      dateSent: null,
      status: sendAt !== undefined && sendAt > now ? 'scheduled' : initial,
    });
    record.plan = {
      base: sendAt ?? now,
      initial,
      stage: record.status === 'scheduled' ? 0 : 1,
      outcome: this.outcomes.get(to),
    };
    this.inFlight.add(record);
    this.progress(record, now);
    return this.toMessageJson(record);
  }

  addInboundMessage(options: AddInboundMessageOptions): TwilioMessageJson {
    this.requireAccount(options.accountSid);
    const now = this.clock.nowMs();
    const record = this.insertMessage({
      accountSid: options.accountSid,
      messagingServiceSid: options.messagingServiceSid ?? null,
      from: options.from,
      to: options.to,
      body: options.body,
      direction: 'inbound',
      mediaUrls: options.mediaUrls ?? [],
      createdAt: now,
      dateSent: now,
      status: 'received',
    });
    return this.toMessageJson(record);
  }

  seedMessages(accountSid: string, count: number, options: SeedMessagesOptions = {}): TwilioMessageJson[] {
    this.requireAccount(accountSid);
    if (!Number.isInteger(count) || count < 0) {
      throw new TypeError(`Invalid message count: ${count}`);
    }
    const interval = options.intervalMs ?? 60_000;
    const direction = options.direction ?? 'outbound-api';
    const status = options.status ?? (direction === 'inbound' ? 'received' : 'delivered');
    const start =
      options.start !== undefined
        ? toEpochMs(options.start, 'seed start')
        : this.clock.nowMs() - count * interval;
    const out: TwilioMessageJson[] = [];
    for (let i = 0; i < count; i++) {
      const at = start + i * interval;
      const body =
        typeof options.body === 'function' ? options.body(i) : (options.body ?? `Seeded message ${i + 1}`);
      const record = this.insertMessage({
        accountSid,
        messagingServiceSid: null,
        from: options.from ?? '+15005550006',
        to: options.to ?? '+15005550010',
        body,
        direction,
        mediaUrls: [],
        createdAt: at,
        dateSent: NOT_YET_SENT.has(status) ? null : at,
        status,
      });
      out.push(this.toMessageJson(record));
    }
    return out;
  }

  private insertMessage(input: {
    accountSid: string;
    messagingServiceSid: string | null;
    from: string | null;
    to: string;
    body: string;
    direction: MessageDirection;
    mediaUrls: string[];
    createdAt: number;
    dateSent: number | null;
    status: MessageStatus;
  }): MessageRecord {
    const numSegments = countSegments(input.body);
    const sid = this.sids.next(input.mediaUrls.length > 0 ? 'MM' : 'SM');
    const priced = input.dateSent !== null;
    const record: MessageRecord = {
      seq: ++this.seq,
      sid,
      accountSid: input.accountSid,
      messagingServiceSid: input.messagingServiceSid,
      from: input.from,
      to: input.to,
      body: input.body,
      direction: input.direction,
      numSegments,
      numMedia: input.mediaUrls.length,
      mediaSids: [],
      createdAt: input.createdAt,
      updatedAt: input.dateSent ?? input.createdAt,
      dateSent: input.dateSent,
      status: input.status,
      price: priced ? this.priceOf(numSegments, input.mediaUrls.length) : null,
      priceUnit: priced ? 'USD' : null,
      errorCode: null,
      errorMessage: null,
      plan: null,
    };
    this.messages.set(sid, record);
    let ofAccount = this.messagesByAccount.get(record.accountSid);
    if (!ofAccount) this.messagesByAccount.set(record.accountSid, (ofAccount = new Set()));
    ofAccount.add(record);
    for (const url of input.mediaUrls) {
      const mediaSid = this.sids.next('ME');
      this.media.set(mediaSid, {
        seq: ++this.seq,
        sid: mediaSid,
        accountSid: input.accountSid,
        messageSid: sid,
        contentType: guessContentType(url),
        url,
        createdAt: input.createdAt,
      });
      record.mediaSids.push(mediaSid);
    }
    return record;
  }

  private priceOf(segments: number, media: number): string {
    return formatPrice(media > 0 ? MMS_PRICE : SMS_PRICE * segments);
  }

  /** Brings every in-flight message up to the clock. */
  tick(): void {
    const now = this.clock.nowMs();
    for (const record of [...this.inFlight]) {
      this.progress(record, now);
    }
  }

  private progress(record: MessageRecord, now: number): void {
    const plan = record.plan;
    if (!plan) {
      this.inFlight.delete(record);
      return;
    }
    const { sendingAfterMs, sentAfterMs, deliveredAfterMs } = this.progression;
    const elapsed = now - plan.base;
    const failing = plan.outcome?.status === 'failed';
    let target =
      elapsed < 0
        ? 0
        : elapsed < sendingAfterMs
          ? 1
          : elapsed < sentAfterMs
            ? 2
            : elapsed < deliveredAfterMs
              ? 3
              : 4;
    if (failing && target > 3) {
      target = 3;
    }
    if (target <= plan.stage) {
      return;
    }
    plan.stage = target;
    const offsets = [0, 0, sendingAfterMs, sentAfterMs, deliveredAfterMs];
    record.updatedAt =
      target === 0 ? record.createdAt : Math.max(record.createdAt, plan.base + offsets[target]);
    const final = target === 4 || (failing && target === 3);
    switch (target) {
      case 1:
        record.status = plan.initial;
        break;
      case 2:
        record.status = 'sending';
        break;
      case 3:
        record.status = failing ? 'failed' : 'sent';
        break;
      case 4:
        record.status = plan.outcome?.status === 'undelivered' ? 'undelivered' : 'delivered';
        break;
    }
    if (target >= 3 && !failing) {
      record.dateSent = plan.base + sentAfterMs;
      record.price = this.priceOf(record.numSegments, record.numMedia);
      record.priceUnit = 'USD';
    }
    if (final && plan.outcome) {
      record.errorCode = plan.outcome.errorCode;
      record.errorMessage = plan.outcome.errorMessage ?? null;
    }
    if (final) {
      record.plan = null;
      this.inFlight.delete(record);
    }
  }

  /** Forces a status (and stops automatic progression of that message). */
  setMessageStatus(
    sid: string,
    status: MessageStatus,
    error?: { errorCode: number; errorMessage?: string },
  ): TwilioMessageJson {
    const record = this.messages.get(sid);
    if (!record) {
      throw new TypeError(`Unknown message ${sid}`);
    }
    const now = this.clock.nowMs();
    record.status = status;
    record.plan = null;
    this.inFlight.delete(record);
    record.updatedAt = now;
    if (!NOT_YET_SENT.has(status) && record.dateSent === null) {
      record.dateSent = now;
      record.price = this.priceOf(record.numSegments, record.numMedia);
      record.priceUnit = 'USD';
    }
    record.errorCode = error?.errorCode ?? null;
    record.errorMessage = error?.errorMessage ?? null;
    return this.toMessageJson(record);
  }

  /** The message if it exists in that account. */
  findMessage(accountSid: string, sid: string): TwilioMessageJson | undefined {
    this.tick();
    const record = this.messages.get(sid);
    return record && record.accountSid === accountSid ? this.toMessageJson(record) : undefined;
  }

  messageJson(sid: string): TwilioMessageJson | undefined {
    this.tick();
    const record = this.messages.get(sid);
    return record && this.toMessageJson(record);
  }

  /** Messages newest first, optionally of one account. */
  allMessages(accountSid?: string): TwilioMessageJson[] {
    this.tick();
    return this.sortedMessages(accountSid).map((m) => this.toMessageJson(m));
  }

  private sortedMessages(accountSid?: string): MessageRecord[] {
    const messages = accountSid === undefined ? this.messages.values() : (this.messagesByAccount.get(accountSid) ?? []);
    return [...messages].sort((a, b) => newestFirst(messagePosition(a), messagePosition(b)));
  }

  listMessages(
    accountSid: string,
    query: Params,
    params: PageParams,
  ): TwilioPageEnvelope & Record<string, unknown> {
    this.tick();
    const filters = singles(query);
    const to = filters['To'];
    const from = filters['From'];
    const sent = dateFilter('DateSent', filters);
    const sorted = this.sortedMessages(accountSid).filter(
      (m) =>
        (to === undefined || m.to === to) &&
        (from === undefined || m.from === from) &&
        (sent === null || sent(m.dateSent)),
    );
    const spec: ListSpec<MessageRecord> = {
      sorted,
      order: newestFirst,
      positionOf: messagePosition,
      sidOf: (m) => m.sid,
      resolveSid: (sid) => {
        const live = this.messages.get(sid);
        return live ? messagePosition(live) : this.messageTombstones.get(sid);
      },
      sidPattern: MESSAGE_SID_PATTERN,
    };
    return pageEnvelope(
      'messages',
      spec,
      params,
      `${API_PREFIX}/Accounts/${accountSid}/Messages.json`,
      present(filters, ['To', 'From', 'DateSent', 'DateSent<', 'DateSent>']),
      (m) => this.toMessageJson(m),
    );
  }

  /** POST …/Messages/{Sid}.json: `Body=""` redacts; `Status=canceled` cancels a message not yet sending. */
  updateMessage(accountSid: string, sid: string, params: Params): TwilioMessageJson | undefined {
    this.tick();
    const record = this.messages.get(sid);
    if (!record || record.accountSid !== accountSid) {
      return undefined;
    }
    const status = single(params, 'Status');
    const body = single(params, 'Body');
    if (status !== undefined && status !== 'canceled') {
      throw TwilioErrors.invalidParameter(`Invalid value for Status: ${status}; only canceled is allowed`);
    }
    if (body !== undefined && body !== '') {
      throw TwilioErrors.invalidParameter(
        'Body can only be updated to an empty string, which redacts the message',
      );
    }
    const now = this.clock.nowMs();
    if (status === 'canceled') {
      if (!CANCELABLE.has(record.status)) {
        throw TwilioErrors.cannotCancel();
      }
      record.status = 'canceled';
      record.plan = null;
      this.inFlight.delete(record);
      record.updatedAt = now;
    }
    if (body === '') {
      record.body = '';
      record.updatedAt = now;
    }
    return this.toMessageJson(record);
  }

  /** DELETE …/Messages/{Sid}.json: false when not found; 409/20009 while delivery is not final. */
  deleteMessage(accountSid: string, sid: string): boolean {
    this.tick();
    const record = this.messages.get(sid);
    if (!record || record.accountSid !== accountSid) {
      return false;
    }
    if (IN_PROGRESS.has(record.status)) {
      throw TwilioErrors.cannotDeleteInProgress();
    }
    this.messageTombstones.set(sid, messagePosition(record));
    this.messages.delete(sid);
    this.messagesByAccount.get(record.accountSid)?.delete(record);
    this.inFlight.delete(record);
    for (const mediaSid of record.mediaSids) {
      this.removeMedia(mediaSid);
    }
    return true;
  }

  private toMessageJson(m: MessageRecord): TwilioMessageJson {
    const base = `${API_PREFIX}/Accounts/${m.accountSid}/Messages/${m.sid}`;
    return {
      account_sid: m.accountSid,
      api_version: '2010-04-01',
      body: m.body,
      date_created: rfc2822(m.createdAt),
      date_sent: m.dateSent === null ? null : rfc2822(m.dateSent),
      date_updated: rfc2822(m.updatedAt),
      direction: m.direction,
      error_code: m.errorCode,
      error_message: m.errorMessage,
      from: m.from,
      messaging_service_sid: m.messagingServiceSid,
      num_media: String(m.numMedia),
      num_segments: String(m.numSegments),
      price: m.price,
      price_unit: m.priceUnit,
      sid: m.sid,
      status: m.status,
      subresource_uris: { media: `${base}/Media.json`, feedback: `${base}/Feedback.json` },
      to: m.to,
      uri: `${base}.json`,
    };
  }

  // ---- media ----------------------------------------------------------------------------------

  /** GET …/Messages/{MessageSid}/Media.json; undefined when the message is not in that account. */
  listMedia(
    accountSid: string,
    messageSid: string,
    query: Params,
    params: PageParams,
  ): (TwilioPageEnvelope & Record<string, unknown>) | undefined {
    const message = this.messages.get(messageSid);
    if (!message || message.accountSid !== accountSid) {
      return undefined;
    }
    const filters = singles(query);
    const created = dateFilter('DateCreated', filters);
    const sorted = message.mediaSids
      .map((sid) => this.media.get(sid))
      .filter((m): m is MediaRecord => m !== undefined && (created === null || created(m.createdAt)))
      .sort((a, b) => a.seq - b.seq);
    const spec: ListSpec<MediaRecord> = {
      sorted,
      order: oldestFirst,
      positionOf: mediaPosition,
      sidOf: (m) => m.sid,
      resolveSid: (sid) => {
        const live = this.media.get(sid);
        return live ? mediaPosition(live) : this.mediaTombstones.get(sid);
      },
      sidPattern: MEDIA_SID_PATTERN,
    };
    return pageEnvelope(
      'media_list',
      spec,
      params,
      `${API_PREFIX}/Accounts/${accountSid}/Messages/${messageSid}/Media.json`,
      present(filters, ['DateCreated', 'DateCreated<', 'DateCreated>']),
      (m) => this.toMediaJson(m),
    );
  }

  findMedia(accountSid: string, messageSid: string, sid: string): TwilioMediaJson | undefined {
    const media = this.media.get(sid);
    return media && media.accountSid === accountSid && media.messageSid === messageSid
      ? this.toMediaJson(media)
      : undefined;
  }

  deleteMedia(accountSid: string, messageSid: string, sid: string): boolean {
    if (!this.findMedia(accountSid, messageSid, sid)) {
      return false;
    }
    this.removeMedia(sid);
    return true;
  }

  /** The URL a media record was created from (the double does not serve media content). */
  mediaUrl(sid: string): string | undefined {
    return this.media.get(sid)?.url;
  }

  private removeMedia(sid: string): void {
    const media = this.media.get(sid);
    if (!media) {
      return;
    }
    this.mediaTombstones.set(sid, mediaPosition(media));
    this.media.delete(sid);
    const message = this.messages.get(media.messageSid);
    if (message) {
      message.mediaSids = message.mediaSids.filter((s) => s !== sid);
    }
  }

  private toMediaJson(m: MediaRecord): TwilioMediaJson {
    return {
      account_sid: m.accountSid,
      content_type: m.contentType,
      date_created: rfc2822(m.createdAt),
      date_updated: rfc2822(m.createdAt),
      parent_sid: m.messageSid,
      sid: m.sid,
      uri: `${API_PREFIX}/Accounts/${m.accountSid}/Messages/${m.messageSid}/Media/${m.sid}.json`,
    };
  }

  /** Forgets messages, media, opt-outs and recipient outcomes; keeps accounts. */
  clearMessages(): void {
    this.messages.clear();
    this.messagesByAccount.clear();
    this.media.clear();
    this.messageTombstones.clear();
    this.mediaTombstones.clear();
    this.inFlight.clear();
    this.optOuts.clear();
    this.outcomes.clear();
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

/** Newest first means: by date_sent (date_created while not sent yet), then by creation. */
function messagePosition(m: MessageRecord): SortPosition {
  return { key: m.dateSent ?? m.createdAt, seq: m.seq };
}

function mediaPosition(m: MediaRecord): SortPosition {
  return { key: m.createdAt, seq: m.seq };
}
