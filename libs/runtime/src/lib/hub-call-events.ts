import { Injectable } from '@nestjs/common';
import type { CompletedHubCall } from './ports';

/**
 * Hub calls clients made, told to whoever acts after one (formulas with an elementRequest trigger).
 * Listeners run after the answer is sent and must not block: they queue their work. With no
 * listener, publishing costs one check.
 */
@Injectable()
export class HubCallEvents {
  private readonly listeners = new Set<(call: CompletedHubCall) => void>();

  get observed(): boolean {
    return this.listeners.size > 0;
  }

  completed(call: CompletedHubCall): void {
    for (const listener of this.listeners) listener(call);
  }

  subscribe(listener: (call: CompletedHubCall) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
