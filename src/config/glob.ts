/**
 * Pathname expansion as keepalived gets it from glibc glob(3) with GLOB_MARK | GLOB_BRACE,
 * including the counts keepalived keeps through its GLOB_ALTDIRFUNC hooks (missing files,
 * missing directories, whether a directory had to be read) that decide its include messages.
 */
import type { ConfigFs } from './fs.js';

export interface GlobResult {
  /** Matches in glob order; directories end in '/' (GLOB_MARK). */
  readonly paths: string[];
  readonly missingFiles: number;
  readonly missingDirs: number;
  readonly haveWildcards: boolean;
}

const MAGIC = /[*?[]/;

/** Splits `a{b,c}d` into `abd`, `acd` (nested braces too); `\{` is literal. */
export function expandBraces(pattern: string): string[] {
  let depth = 0;
  let open = -1;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (c === '{') {
      if (depth === 0) open = i;
      depth++;
    } else if (c === '}' && depth > 0) {
      depth--;
      if (depth === 0) {
        const inner = pattern.slice(open + 1, i);
        const alternatives = splitTopLevel(inner);
        if (alternatives.length < 2) return [pattern];
        const head = pattern.slice(0, open);
        const tail = pattern.slice(i + 1);
        return alternatives.flatMap((alt) => expandBraces(head + alt + tail));
      }
    }
  }
  return [pattern];
}

function splitTopLevel(inner: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < inner.length; i++) {
    const c = inner[i];
    if (c === '\\') i++;
    else if (c === '{') depth++;
    else if (c === '}') depth--;
    else if (c === ',' && depth === 0) {
      parts.push(inner.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(inner.slice(start));
  return parts;
}

/** fnmatch(3) without flags, except that a leading '.' must be matched explicitly (glob's rule). */
export function matchSegment(pattern: string, name: string): boolean {
  if (name.startsWith('.') && !pattern.startsWith('.')) return false;
  let re = '^';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else if (c === '[') {
      const close = pattern.indexOf(']', i + 2);
      if (close < 0) {
        re += '\\[';
        continue;
      }
      let set = pattern.slice(i + 1, close);
      if (set.startsWith('!')) set = '^' + set.slice(1);
      re += '[' + set.replace(/\\/g, '\\\\') + ']';
      i = close;
    } else if (c === '\\' && i + 1 < pattern.length) {
      i++;
      re += escapeRe(pattern[i] as string);
    } else re += escapeRe(c);
  }
  try {
    return new RegExp(re + '$', 's').test(name);
  } catch {
    return false;
  }
}

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

export function glob(pattern: string, cwd: string, fs: ConfigFs): GlobResult {
  const state = { missingFiles: 0, missingDirs: 0, haveWildcards: false };
  const paths: string[] = [];
  for (const alt of expandBraces(pattern)) paths.push(...globOne(alt, cwd, fs, state));
  return { paths, ...state };
}

interface GlobState {
  missingFiles: number;
  missingDirs: number;
  haveWildcards: boolean;
}

function resolve(cwd: string, p: string): string {
  if (p.startsWith('/')) return p;
  return (cwd.endsWith('/') ? cwd : cwd + '/') + p;
}

function globOne(pattern: string, cwd: string, fs: ConfigFs, st: GlobState): string[] {
  if (pattern === '') return [];
  if (!MAGIC.test(pattern)) {
    const literal = pattern.replace(/\\(.)/g, '$1');
    const info = fs.stat(resolve(cwd, literal));
    if (!info) {
      st.missingFiles++;
      return [];
    }
    return [info.isDirectory && !literal.endsWith('/') ? literal + '/' : literal];
  }
  const slash = pattern.lastIndexOf('/');
  const dirPart = slash < 0 ? '' : pattern.slice(0, slash + 1);
  const namePart = slash < 0 ? pattern : pattern.slice(slash + 1);
  let dirs: string[];
  if (dirPart === '' || dirPart === '/') dirs = [dirPart];
  else if (MAGIC.test(dirPart.slice(0, -1))) {
    dirs = globOne(dirPart.slice(0, -1), cwd, fs, st).filter((d) => d.endsWith('/'));
  } else dirs = [dirPart.replace(/\\(.)/g, '$1')];
  const out: string[] = [];
  for (const dir of dirs) {
    st.haveWildcards = true;
    const entries = fs.readdir(resolve(cwd, dir === '' ? '.' : dir));
    if (!entries) {
      st.missingDirs++;
      continue;
    }
    const matched = entries.filter((e) => matchSegment(namePart, e)).sort();
    for (const name of matched) {
      const full = dir + name;
      const info = fs.stat(resolve(cwd, full));
      out.push(info?.isDirectory ? full + '/' : full);
    }
  }
  return out;
}
