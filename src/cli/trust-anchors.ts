/**
 * --trust-anchor files: DS or DNSKEY records in zone-file form
 * (src/dnssec/anchors.ts). A file that cannot be read as such fails the run
 * with one line naming the file and the line (exit 2).
 */
import { parseTrustAnchors, TrustAnchorError, type TrustAnchor } from '../dnssec/anchors.js';
import { UsageError } from './errors.js';
import { readOptionFile } from './input-files.js';

export async function readTrustAnchorFiles(files: readonly string[] | undefined): Promise<TrustAnchor[] | undefined> {
  if (!files || files.length === 0) return undefined;
  const anchors = await Promise.all(
    files.map(async (file) => {
      const text = await readOptionFile('--trust-anchor', file);
      try {
        return parseTrustAnchors(text, file);
      } catch (error) {
        if (!(error instanceof TrustAnchorError)) throw error;
        throw new UsageError(`--trust-anchor "${file}": ${error.message}. Give DS or DNSKEY records in zone-file form, e.g. ". IN DS 20326 8 2 e06d…"`);
      }
    }),
  );
  return anchors.flat();
}
