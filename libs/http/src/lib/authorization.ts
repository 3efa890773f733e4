/** The parts of `Authorization: User <secret>, Organization <secret>, Element <token>`. */
export interface HubCredentials {
  user?: string;
  organization?: string;
  element?: string;
  bearer?: string;
}

/** Parses the hub's Authorization header; unknown parts are ignored, secrets never logged. */
export function parseAuthorization(header: string | undefined): HubCredentials {
  const credentials: HubCredentials = {};
  if (!header) return credentials;
  for (const part of header.split(',')) {
    const trimmed = part.trim();
    const space = trimmed.indexOf(' ');
    if (space <= 0) continue;
    const scheme = trimmed.slice(0, space).toLowerCase();
    const value = trimmed.slice(space + 1).trim();
    if (!value) continue;
    if (scheme === 'user') credentials.user = value;
    else if (scheme === 'organization') credentials.organization = value;
    else if (scheme === 'element') credentials.element = value;
    else if (scheme === 'bearer') credentials.bearer = value;
  }
  return credentials;
}
