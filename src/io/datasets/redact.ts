/**
 * Keeping secrets out of messages and descriptions. URLs often carry them (a key in the query, a
 * password in the userinfo), and servers sometimes echo a request back in an error body.
 */

const MASK = '***';

/** Header and query names whose values are secrets by convention. */
const SENSITIVE_NAME = /auth|token|key|secret|password|passwd|pwd|cookie|session|signature|credential/i;

export function isSensitiveName(name: string): boolean {
  return SENSITIVE_NAME.test(name);
}

/**
 * The URL with the userinfo masked and every query value masked (names kept, they help debugging),
 * and without the fragment: `https://***@host/path?page=***`.
 */
export function redactUrl(url: URL | string): string {
  let parsed: URL;
  try {
    parsed = new URL(String(url));
  } catch {
    return '<invalid URL>';
  }
  const userinfo = parsed.username !== '' || parsed.password !== '' ? `${MASK}@` : '';
  const query = [...parsed.searchParams.keys()]
    .map((name) => `${encodeURIComponent(name)}=${MASK}`)
    .join('&');
  return `${parsed.protocol}//${userinfo}${parsed.host}${parsed.pathname}${query === '' ? '' : `?${query}`}`;
}

/** A copy of the mapping with the values of sensitive-looking names masked. */
export function redactSensitiveValues(values: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(values).map(([name, value]) => [name, isSensitiveName(name) ? MASK : value]),
  );
}

/** `text` with every occurrence of each secret (and its URL-encoded and Base64 forms) masked. */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let result = text;
  for (const secret of secrets) {
    // Short values ("a", "1") would mask half the message and protect nothing.
    if (secret.length < 4) continue;
    for (const form of new Set([
      secret,
      encodeURIComponent(secret),
      Buffer.from(secret).toString('base64'),
    ])) {
      result = result.split(form).join(MASK);
    }
  }
  return result;
}
