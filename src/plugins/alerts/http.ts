import { AlertDeliveryError } from './errors.ts';

/**
 * POSTs a JSON body with native fetch (undici 8 crashes on Node 20, so no undici). Redirects are
 * refused: following one would send the body, and maybe its signature, somewhere unconfigured.
 * Errors name `target` (the redacted URL), never the URL itself.
 */
export async function postJson(
  url: string,
  body: string,
  headers: Readonly<Record<string, string>>,
  signal: AbortSignal,
  target: string,
): Promise<void> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
      signal,
      redirect: 'error',
    });
  } catch (error) {
    throw new AlertDeliveryError(`POST ${target} failed: ${networkReason(error, signal)}`, {
      retryable: true,
    });
  }
  // Read the body either way, so that the connection can be reused.
  const text = await response.text().catch(() => '');
  if (response.ok) return;
  const retryable = response.status >= 500 || response.status === 429 || response.status === 408;
  const detail = text.trim() === '' ? '' : `: ${text.trim().slice(0, 200)}`;
  throw new AlertDeliveryError(`POST ${target} answered HTTP ${response.status}${detail}`, {
    status: response.status,
    retryable,
    ...(retryable
      ? {}
      : {
          hint: 'The receiver refused the alert; check the alerter credentials and the payload it expects.',
        }),
  });
}

/** Why a request didn't get a response, in words that hold no URL. */
export function networkReason(error: unknown, signal: AbortSignal): string {
  if (signal.aborted) return 'timed out';
  const cause = (error as { cause?: { code?: unknown; message?: unknown } } | undefined)?.cause;
  if (cause !== undefined && typeof cause.code === 'string') return cause.code;
  if (cause !== undefined && typeof cause.message === 'string') return cause.message;
  return error instanceof Error ? error.message : String(error);
}
