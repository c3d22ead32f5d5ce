/** `a/b//` → `a/b`: a loop, not /\/+$/, which is quadratic on "/////…x". */
export function withoutTrailingSlashes(text: string): string {
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 0x2f) end--;
  return text.slice(0, end);
}
