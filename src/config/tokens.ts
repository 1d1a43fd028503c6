/**
 * Splitting a logical line into words, as keepalived's alloc_strvec_r() (plain: `"..."` is one
 * word without its quotes) and alloc_strvec_quoted_escaped() (shell-like quotes and escapes,
 * used for script command lines).
 */

/** keepalived's WHITE_SPACE: space, \t, \f, \n, \r, \v. */
function isWhiteCode(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}
const isWhite = (c: string | undefined): boolean => c !== undefined && isWhiteCode(c.charCodeAt(0));

const WORD = /[^ \t\n\v\f\r]+/g;

export type QuoteError = (message: string) => void;

/** Words of a line; undefined when there are none. A `"` without its pair ends the line. */
export function splitWords(line: string, onError: QuoteError): string[] | undefined {
  // Without quotes the words are the runs of non-blanks, found natively: most lines.
  if (line.indexOf('"') < 0) return line.match(WORD) ?? undefined;
  const words: string[] = [];
  let i = 0;
  const n = line.length;
  for (;;) {
    while (i < n && isWhiteCode(line.charCodeAt(i))) i++;
    if (i >= n) break;
    if (line.charCodeAt(i) === 34) {
      const close = line.indexOf('"', i + 1);
      if (close < 0) {
        onError(`Unmatched quote: '${line}'`);
        break;
      }
      words.push(line.slice(i + 1, close));
      i = close + 1;
    } else {
      const s = i;
      for (let c = line.charCodeAt(i); i < n && !isWhiteCode(c) && c !== 34; c = line.charCodeAt(++i));
      words.push(line.slice(s, i));
    }
  }
  return words.length > 0 ? words : undefined;
}

const ESCAPES: Record<string, string> = {
  a: '\x07',
  b: '\b',
  E: '\x1b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
};

/**
 * Shell-like words: '...' and "..." group, `\` escapes (\n, \t, \xHH, \cX, octal).
 * Undefined (after reporting) on an unterminated quote or a trailing lone `\`.
 */
export function splitQuotedEscaped(line: string, onError: QuoteError): string[] | undefined {
  const words: string[] = [];
  let i = 0;
  const n = line.length;
  while (i < n) {
    while (i < n && isWhite(line[i])) i++;
    if (i >= n) break;
    let word = '';
    let quote = '';
    while (i < n) {
      const c = line[i] as string;
      if (c === '\\') {
        i++;
        if (i >= n) {
          onError(`Missing escape char at end: '${line}'`);
          return undefined;
        }
        const e = line[i] as string;
        if (e === 'x' && /[0-9a-fA-F]/.test(line[i + 1] ?? '')) {
          i++;
          let v = 0;
          while (i < n && /[0-9a-fA-F]/.test(line[i] as string))
            v = ((v << 4) | Number.parseInt(line[i++] as string, 16)) & 0xff;
          word += String.fromCharCode(v);
        } else if (e === 'c' && i + 1 < n) {
          word += String.fromCharCode((line.charCodeAt(i + 1) & 0x1f) >>> 0);
          i += 2;
        } else if (e >= '0' && e <= '7') {
          let v = 0;
          for (let k = 0; k < 3 && i < n && line[i]! >= '0' && line[i]! <= '7'; k++)
            v = ((v << 3) + Number(line[i++])) & 0xff;
          word += String.fromCharCode(v);
        } else {
          word += ESCAPES[e] ?? e;
          i++;
        }
        continue;
      }
      if (quote) {
        if (c === quote) {
          quote = '';
          i++;
          continue;
        }
        word += c;
        i++;
        continue;
      }
      if (c === '"' || c === "'") {
        quote = c;
        i++;
        continue;
      }
      if (isWhite(c)) break;
      word += c;
      i++;
    }
    if (quote) {
      onError(`String '${line}': missing terminating ${quote}`);
      return undefined;
    }
    words.push(word);
  }
  return words.length > 0 ? words : undefined;
}
