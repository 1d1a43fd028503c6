/**
 * The number a track file holds, read as keepalived 2.2.7 reads it (trackers/track_file.c
 * process_track_file): at most the first 127 bytes, as a C string (cut at a NUL), through
 * strtol(buf, NULL, 0) on a 64-bit long:
 *  - leading white space, an optional sign, then `0x`/`0X` + hex digits, `0` + octal digits, or
 *    decimal digits; parsing stops at the first other character ("12abc" is 12, "abc" is 0);
 *  - an empty file, or one without a number, is 0 (so is a missing file: the caller's job);
 *  - a value beyond a 64-bit long (ERANGE, strtol returns LONG_MAX / LONG_MIN), or outside
 *    INT32_MIN..INT32_MAX + 1 (keepalived's own bound, off by one), is refused: keepalived logs
 *    "Invalid number N read from PATH - ignoring" and keeps the previous value.
 */

/** keepalived reads into a 128-byte buffer, leaving room for the NUL. */
export const TRACK_FILE_READ_BYTES = 127;

const LONG_MAX = 2n ** 63n - 1n;
const LONG_MIN = -(2n ** 63n);
const INT32_MIN = -(2n ** 31n);
/** keepalived accepts INT32_MAX + 1 (its check is `> INT32_MAX + 1`). */
const INT32_MAX_PLUS_ONE = 2n ** 31n;

export type FileValue =
  | { readonly ok: true; readonly value: number }
  /** `shown` is what keepalived prints in its "Invalid number" line. */
  | { readonly ok: false; readonly shown: string };

const SPACE = new Set([0x20, 0x09, 0x0a, 0x0b, 0x0c, 0x0d]);

function digitValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  return 99;
}

/** strtol(s, NULL, 0) on a 64-bit long: the value, and whether it overflowed (ERANGE). */
export function strtol0(bytes: Uint8Array): { value: bigint; overflow: boolean } {
  let i = 0;
  while (i < bytes.length && SPACE.has(bytes[i] ?? 0)) i++;
  let negative = false;
  if (bytes[i] === 0x2b || bytes[i] === 0x2d) {
    negative = bytes[i] === 0x2d;
    i++;
  }
  let base = 10n;
  if (bytes[i] === 0x30) {
    const x = bytes[i + 1];
    // "0x" counts as a prefix only when a hex digit follows; otherwise it is the number 0.
    if ((x === 0x78 || x === 0x58) && digitValue(bytes[i + 2] ?? 0) < 16) {
      base = 16n;
      i += 2;
    } else base = 8n;
  }
  let magnitude = 0n;
  for (; i < bytes.length; i++) {
    const d = digitValue(bytes[i] ?? 0);
    if (d >= Number(base)) break;
    magnitude = magnitude * base + BigInt(d);
  }
  const value = negative ? -magnitude : magnitude;
  if (value > LONG_MAX) return { value: LONG_MAX, overflow: true };
  if (value < LONG_MIN) return { value: LONG_MIN, overflow: true };
  return { value, overflow: false };
}

/** What keepalived makes of a track file's bytes (the whole file may be given). */
export function trackFileValue(content: Uint8Array): FileValue {
  let bytes = content.subarray(0, TRACK_FILE_READ_BYTES);
  const nul = bytes.indexOf(0);
  if (nul >= 0) bytes = bytes.subarray(0, nul);
  const { value, overflow } = strtol0(bytes);
  if (overflow || value < INT32_MIN || value > INT32_MAX_PLUS_ONE)
    return { ok: false, shown: value.toString() };
  return { ok: true, value: Number(value) };
}
