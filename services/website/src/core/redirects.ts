/** A path on this site to go back to: only `/something`, never `//host` or an absolute URL. */
export function safeRedirectPath(path: string | undefined, fallback = '/'): string {
  if (!path || !path.startsWith('/') || path.startsWith('//') || path.startsWith('/\\')) return fallback;
  if (/[\r\n]/.test(path)) return fallback;
  return path;
}
