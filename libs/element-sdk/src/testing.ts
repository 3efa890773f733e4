/**
 * Test-only entry of the adapter contract (`@hub/element-sdk/testing`): the conformance kit every
 * element runs against its own vendor double. It registers Jest tests, so only spec files import it;
 * the main entry (`@hub/element-sdk`) never does.
 */
export * from './lib/conformance';
