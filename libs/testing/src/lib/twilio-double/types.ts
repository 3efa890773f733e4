// Public types of the Twilio test double. JSON shapes follow Twilio's REST 2010-04-01 API
// (twilio-oai `api.v2010.account`, `api.v2010.account.message`, `api.v2010.account.message.media`).

export type AccountStatus = 'active' | 'suspended' | 'closed';
export type AccountType = 'Trial' | 'Full';

export type MessageStatus =
  | 'queued'
  | 'sending'
  | 'sent'
  | 'failed'
  | 'delivered'
  | 'undelivered'
  | 'receiving'
  | 'received'
  | 'accepted'
  | 'scheduled'
  | 'read'
  | 'partially_delivered'
  | 'canceled';

export type MessageDirection = 'inbound' | 'outbound-api' | 'outbound-call' | 'outbound-reply';

/** Twilio's error body, e.g. `{"code":20003,"message":"Authenticate","more_info":"…/20003","status":401}`. */
export interface TwilioErrorBody {
  code: number;
  message: string;
  more_info: string;
  status: number;
}

export interface TwilioAccountJson {
  auth_token: string;
  date_created: string;
  date_updated: string;
  friendly_name: string;
  owner_account_sid: string;
  sid: string;
  status: AccountStatus;
  subresource_uris: Record<string, string>;
  type: AccountType;
  uri: string;
}

export interface TwilioMessageJson {
  account_sid: string;
  api_version: '2010-04-01';
  body: string;
  date_created: string;
  date_sent: string | null;
  date_updated: string;
  direction: MessageDirection;
  error_code: number | null;
  error_message: string | null;
  from: string | null;
  messaging_service_sid: string | null;
  num_media: string;
  num_segments: string;
  price: string | null;
  price_unit: string | null;
  sid: string;
  status: MessageStatus;
  subresource_uris: { media: string; feedback: string };
  to: string;
  uri: string;
}

export interface TwilioMediaJson {
  account_sid: string;
  content_type: string;
  date_created: string;
  date_updated: string;
  parent_sid: string;
  sid: string;
  uri: string;
}

/** The paging envelope of every 2010-04-01 list; the records sit under one key (`messages`, `media_list`, `accounts`). */
export interface TwilioPageEnvelope {
  end: number;
  first_page_uri: string;
  next_page_uri: string | null;
  page: number;
  page_size: number;
  previous_page_uri: string | null;
  start: number;
  uri: string;
}

export interface AddAccountOptions {
  /** `AC` + 32 hex; generated (deterministically) when omitted. */
  sid?: string;
  /** Generated (32 hex, deterministic) when omitted. */
  authToken?: string;
  friendlyName?: string;
  status?: AccountStatus;
  type?: AccountType;
  /** Makes this a subaccount of that (already added) account: the owner's credentials may then act on it. */
  ownerAccountSid?: string;
}

export interface AccountCredentials {
  sid: string;
  authToken: string;
}

export interface AddInboundMessageOptions {
  accountSid: string;
  from: string;
  to: string;
  body: string;
  mediaUrls?: string[];
  messagingServiceSid?: string;
}

export interface SeedMessagesOptions {
  /** Default `+15005550006`. */
  from?: string;
  /** Default `+15005550010`. */
  to?: string;
  /** Text of message i (0 = oldest). Default `Seeded message ${i + 1}`. */
  body?: string | ((index: number) => string);
  /** Default `outbound-api`. */
  direction?: MessageDirection;
  /** Default `delivered` (`received` for inbound). Seeded messages never progress. */
  status?: MessageStatus;
  /** date_sent of the oldest message. Default: now − count × intervalMs. */
  start?: Date | string | number;
  /** Gap between consecutive date_sent values. Default 60 000 ms (distinct to the second). */
  intervalMs?: number;
}

/**
 * Offsets (ms after a message's creation — or after its SendAt for a scheduled message) at which an
 * outbound message moves on: queued (or accepted) → sending → sent → delivered.
 */
export interface StatusProgression {
  sendingAfterMs: number;
  sentAfterMs: number;
  deliveredAfterMs: number;
}

/** How messages to one recipient end: `failed` replaces `sent`, `undelivered` replaces `delivered`. */
export interface RecipientOutcome {
  status: 'failed' | 'undelivered';
  errorCode: number;
  errorMessage?: string;
}

export interface RequestLogEntry {
  /** 1-based, counts every Twilio API request since start (not reset by resetRequests). */
  seq: number;
  method: string;
  /** Path without query string. */
  path: string;
  /** Decoded query; repeated keys become arrays. */
  query: Record<string, string | string[]>;
  /** Decoded form body (POST); repeated keys (MediaUrl) become arrays. */
  params: Record<string, string | string[]>;
  /** The account in the path (or, for /Accounts.json, the Basic-auth username); null when there is none. */
  accountSid: string | null;
  /** Response status; 0 when the socket was reset by a fault. */
  status: number;
  /** Twilio error code of an error response. */
  errorCode: number | null;
  /** The double's clock when the request arrived. */
  time: Date;
  /** Wall-clock duration including any injected delay. */
  durationMs: number;
  /** Kind of fault applied, if any. */
  fault: 'status' | 'delay' | 'reset' | null;
}
