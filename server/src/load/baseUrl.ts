/** The server's base URL without trailing slashes (a loop, not /\/+$/: that regex is quadratic on "/////…x"). */
export function baseUrlOf(url: string): string {
  let end = url.length;
  while (end > 0 && url.charCodeAt(end - 1) === 0x2f) end--;
  return url.slice(0, end);
}
