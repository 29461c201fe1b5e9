/**
 * Blob-store key of content-addressed bytes. Artifacts and registry versions refer to content by
 * its sha256; the bytes live once under this key, however many runs log them. Two hex characters
 * of fan-out keep listings small on file systems and object stores alike.
 */
export function contentKey(sha256: string): string {
  if (!/^[0-9a-f]{64}$/.test(sha256)) throw new TypeError(`Not a hex sha256: ${JSON.stringify(sha256)}`);
  return `content/sha256/${sha256.slice(0, 2)}/${sha256}`;
}
