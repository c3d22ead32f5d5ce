import { withoutTrailingSlashes } from '../core/trailingSlashes';

/** The server's base URL without trailing slashes. */
export function baseUrlOf(url: string): string {
  return withoutTrailingSlashes(url);
}
