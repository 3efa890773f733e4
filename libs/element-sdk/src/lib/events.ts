import type { ResolvedConfiguration } from './descriptors';

/** A vendor's webhook request as the hub received it. */
export interface VendorWebhookRequest {
  /**
   * The full URL the vendor was given and signed (the hub's public URL, query string included),
   * never one rebuilt from a Host header the sender controls.
   */
  readonly url: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The body exactly as received: signatures are computed over it. */
  readonly rawBody: string;
  readonly contentType?: string;
}

/** A change a vendor webhook reported. */
export interface VendorEvent {
  /** The hub resource it concerns, e.g. `messages`. */
  readonly objectType: string;
  readonly objectId: string;
  readonly eventType: 'CREATED' | 'UPDATED' | 'DELETED' | 'UNKNOWN';
  /** When it happened, as well as the vendor tells (ISO 8601). */
  readonly date: string;
  /**
   * What makes this change distinct from others of the same object (e.g. a message status): the
   * vendor sending the same webhook twice makes one event.
   */
  readonly version: string;
  /** The vendor's data behind the event: the `raw` of the notification. */
  readonly raw: unknown;
}

/** How an element receives its vendor's webhooks. */
export interface WebhookEventSource {
  /**
   * Is this request from the vendor, for this instance? Checked with the instance's own secret
   * (e.g. Twilio's X-Twilio-Signature with its Auth Token). False: 403, nothing stored.
   */
  verify(request: VendorWebhookRequest, configuration: ResolvedConfiguration): boolean;
  /** The changes the request reports (called only after verify). An empty list is fine. */
  parse(request: VendorWebhookRequest): VendorEvent[];
  /** What the vendor expects as an answer (Twilio: an empty TwiML response, so nothing is sent back). */
  readonly reply: { readonly contentType: string; readonly body: string };
}
