import type { ConfigurationDescriptor, ResolvedConfiguration } from '../descriptors';
import type { CredentialCheck, ElementConnection } from '../element';
import { ApiError } from '../errors';
import type { ResourceCall, ResourceResult } from '../resources';

/**
 * Everything the kit saw come out of an element: results, credential checks and errors, as the
 * hub would write them to a client (JSON of the result; an error's message and details).
 */
export class Observations {
  private readonly seen: string[] = [];

  result(value: ResourceResult | CredentialCheck): void {
    this.seen.push(JSON.stringify(value));
  }

  error(error: unknown): void {
    if (error instanceof ApiError) {
      this.seen.push(error.message, JSON.stringify(error.details));
    } else if (error instanceof Error) {
      this.seen.push(error.message);
    } else {
      this.seen.push(String(error));
    }
  }

  get count(): number {
    return this.seen.length;
  }

  /** Where a value (as is, or URL-encoded) appears in what was seen: a short excerpt per hit. */
  occurrencesOf(value: string): string[] {
    const forms = [...new Set([value, encodeURIComponent(value)])];
    const hits: string[] = [];
    for (const text of this.seen) {
      for (const form of forms) {
        const at = text.indexOf(form);
        if (at >= 0) hits.push(text.slice(Math.max(0, at - 40), at + form.length + 40));
      }
    }
    return hits;
  }
}

/** A connection whose every result and error is recorded (it changes nothing else). */
export function observed(connection: ElementConnection, observations: Observations): ElementConnection {
  const watch = async <T extends ResourceResult | CredentialCheck>(work: () => Promise<T>): Promise<T> => {
    try {
      const value = await work();
      observations.result(value);
      return value;
    } catch (error) {
      observations.error(error);
      throw error;
    }
  };
  return {
    verifyCredentials: () => watch(() => connection.verifyCredentials()),
    invoke: (call: ResourceCall) => watch(() => connection.invoke(call)),
  };
}

/** The values of the configuration entries a descriptor marks secret (non-empty ones). */
export function secretValues(
  descriptors: readonly ConfigurationDescriptor[],
  configurations: readonly ResolvedConfiguration[],
): { key: string; value: string }[] {
  const out: { key: string; value: string }[] = [];
  for (const descriptor of descriptors) {
    if (!descriptor.secret) continue;
    for (const configuration of configurations) {
      const value = configuration[descriptor.key];
      if (typeof value === 'string' && value !== '' && !out.some((o) => o.value === value)) {
        out.push({ key: descriptor.key, value });
      }
    }
  }
  return out;
}
