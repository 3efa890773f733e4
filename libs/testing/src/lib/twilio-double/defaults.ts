/**
 * Credentials the `npm run twilio:double` process seeds unless TWILIO_DOUBLE_ACCOUNT_SID /
 * TWILIO_DOUBLE_AUTH_TOKEN say otherwise. Valid in form (AC + 32 hex, 32 hex) and plainly not real:
 * "7e57d0b1e" reads "test double".
 */
export const DEFAULT_ACCOUNT_SID = 'AC7e57d0b1e00000000000000000000001';
export const DEFAULT_AUTH_TOKEN = '7e57d0b1e000000000000000000000a1';
export const DEFAULT_BIN_PORT = 4010;
