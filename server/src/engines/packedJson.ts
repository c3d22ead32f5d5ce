import { brotliDecompressSync } from 'node:zlib';

/**
 * A JSON text packed by scripts/gen-engine-tables.mjs (Brotli, then base64), parsed: the engines' flag tables are
 * 440 KB as text and 95 KB packed, and unpacking the largest (SGLang's) takes about a millisecond, once.
 */
export function unpackJson(packed: string): unknown {
  return JSON.parse(brotliDecompressSync(Buffer.from(packed, 'base64')).toString('utf8'));
}
