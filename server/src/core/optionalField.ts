/** `{ [key]: value }`, or `{}` when the value is undefined: spread into an object whose optional keys stay absent
 *  (exactOptionalPropertyTypes), not set to undefined. */
export function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
