// Printing a DATABASE_URL without its password.

/** `postgresql://user:***@host:5432/db?…`; a string that is no URL comes back as `(unparseable URL)`. */
export function redactDatabaseUrl(databaseUrl: string): string {
  let url: URL;
  try {
    url = new URL(databaseUrl);
  } catch {
    return '(unparseable URL)';
  }
  if (url.password) url.password = '***';
  for (const key of [...url.searchParams.keys()]) {
    if (/^(password|sslpassword)$/i.test(key)) url.searchParams.set(key, '***');
  }
  return url.toString();
}

/** `text` with every occurrence of the URL's password (raw or percent-encoded) replaced by `***`. */
export function redactPassword(text: string, databaseUrl: string | undefined): string {
  if (!databaseUrl) return text;
  const secrets = new Set<string>();
  try {
    const url = new URL(databaseUrl);
    if (url.password) {
      secrets.add(url.password);
      try {
        secrets.add(decodeURIComponent(url.password));
      } catch {
        // not percent-encoded
      }
    }
    for (const [key, value] of url.searchParams) {
      if (/^(password|sslpassword)$/i.test(key) && value) secrets.add(value);
    }
  } catch {
    return text.split(databaseUrl).join('(database URL)');
  }
  let redacted = text;
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) redacted = redacted.split(secret).join('***');
  return redacted;
}
