import type { ConformanceEnvironment, VendorFaultHooks } from '@hub/element-sdk/testing';
import type { TwilioDouble } from './twilio-double';

/** The conformance kit's vendor faults, produced by the Twilio double (every request until cleared). */
export function twilioDoubleFaults<E extends ConformanceEnvironment & { readonly double: TwilioDouble }>(): VendorFaultHooks<E> {
  return {
    clientError: ({ double }, { status, message }) => void double.faults.next({ status, message, times: Infinity }),
    serverError: ({ double }, status) => void double.faults.next({ status, times: Infinity }),
    slow: ({ double }, delayMs) => void double.faults.next({ delayMs, times: Infinity }),
    reset: ({ double }) => void double.faults.next({ reset: true, times: Infinity }),
    clear: ({ double }) => double.faults.clear(),
  };
}
