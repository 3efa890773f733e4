/**
 * Instance configurations on the Twilio double, as the tests provision them: the element's
 * credentials for an account of the double and its base URL, plus whatever the test adds.
 */
interface DoubleAccount {
  readonly sid: string;
  readonly authToken: string;
}

/** twiliov2: `username`/`password` of the account, `base.url` of the double. */
export function twiliov2Configuration(double: { readonly accountsUrl: string }, account: DoubleAccount, extra: Record<string, string | null> = {}) {
  return { username: account.sid, password: account.authToken, 'base.url': double.accountsUrl, ...extra };
}

/** twilio (SMS): the account, its token, the sender, `base.url` of the double. */
export function twilioSmsConfiguration(double: { readonly accountsUrl: string }, account: DoubleAccount, sender: string, extra: Record<string, string | null> = {}) {
  return {
    'messaging.sms.twilio.account': account.sid,
    'messaging.sms.twilio.token': account.authToken,
    'messaging.sms.twilio.sender': sender,
    'base.url': double.accountsUrl,
    ...extra,
  };
}

/** Events on, by polling every `intervalMinutes`, delivered to `callbackUrl`. */
export function pollingEvents(callbackUrl: string, intervalMinutes = 60) {
  return {
    'event.notification.enabled': 'true',
    'event.vendor.type': 'polling',
    'event.poller.refresh_interval': String(intervalMinutes),
    'event.notification.callback.url': callbackUrl,
  };
}

/** Events on, from the vendor's webhooks, delivered to `callbackUrl`. */
export function webhookEvents(callbackUrl: string) {
  return { 'event.notification.enabled': 'true', 'event.vendor.type': 'webhook', 'event.notification.callback.url': callbackUrl };
}
