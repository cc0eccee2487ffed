/** Largest avatar accepted (Discord serves 256 px avatars well under this). */
const MAX_AVATAR_BYTES = 2 * 1024 * 1024;

/**
 * An avatar image from a CDN URL, or null when it does not come within `timeoutMs`, is not
 * an image, or is too large: the card then shows the name's initials instead.
 */
export async function fetchAvatar(url: string | null, options: { timeoutMs: number }): Promise<Buffer | null> {
  if (url === null) return null;
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(options.timeoutMs), redirect: 'follow' });
    if (!res.ok || !(res.headers.get('content-type') ?? '').startsWith('image/')) {
      await res.body?.cancel();
      return null;
    }
    if (Number(res.headers.get('content-length') ?? 0) > MAX_AVATAR_BYTES) {
      await res.body?.cancel();
      return null;
    }
    const bytes = Buffer.from(await res.arrayBuffer());
    return bytes.length > MAX_AVATAR_BYTES ? null : bytes;
  } catch {
    return null;
  }
}
