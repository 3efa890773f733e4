import type { ElementDefinition } from '@hub/element-sdk';
import { twilioElement } from '@hub/elements/twilio';
import { twiliov2Element } from '@hub/elements/twiliov2';

/**
 * Every element the hub offers. Adding an element adds one line here (the element
 * generator writes it: `npx nx g @hub/tools:element <name>`); nothing else outside
 * the element's own library changes.
 */
export const ELEMENTS: readonly ElementDefinition[] = [
  twilioElement,
  twiliov2Element,
];
