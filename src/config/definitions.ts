/**
 * `$NAME=value` definitions and their substitution, with keepalived 2.2.7's rules
 * (lib/parser.c: check_definition, find_definition, replace_param): `$NAME` ends at a blank,
 * `,`, `)` or end of line; `${NAME}` may stand anywhere; a multi-line definition (value ending
 * in `\`) expands only where it is the whole rest of the line; `${_RANDOM min max}` takes
 * parameters. Standard definitions: _PWD, _INSTANCE, _RANDOM, _HASH, _BANG.
 */

/** Separates the lines of a multi-line definition's value. */
export const DEF_LINE_END = '\n';

export interface Definition {
  readonly name: string;
  value: string;
  multiline: boolean;
  /** Standard definitions compute their value at each use. */
  fn?: ((params: string | undefined) => string) | undefined;
  maxParams: number;
}

const isAlpha = (c: string | undefined): boolean => c !== undefined && /^[A-Za-z]$/.test(c);
const isIdent = (c: string | undefined): boolean => c !== undefined && /^[A-Za-z0-9_]$/.test(c);
const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';

export interface FoundDefinition {
  readonly def: Definition;
  /** Characters after `$` that the reference occupies (name, braces, parameters). */
  readonly refLength: number;
  readonly params: string | undefined;
}

export class Definitions {
  private readonly defs = new Map<string, Definition>();

  constructor(std: {
    cwd: () => string;
    instance: () => string;
    random: (min: number, max: number) => number;
  }) {
    this.addStd('_PWD', () => std.cwd(), 0);
    this.addStd('_INSTANCE', () => std.instance(), 0);
    this.addStd(
      '_RANDOM',
      (params) => {
        let min = 0;
        let max = 32767;
        if (params) {
          const nums = params.trim().split(/\s+/).map(Number);
          min = nums[0] ?? 0;
          if (nums.length > 1) max = nums[1] ?? max;
        }
        return String(std.random(min, max));
      },
      2,
    );
    this.defs.set('_HASH', { name: '_HASH', value: '#', multiline: false, maxParams: 0 });
    this.defs.set('_BANG', { name: '_BANG', value: '!', multiline: false, maxParams: 0 });
  }

  private addStd(name: string, fn: (params: string | undefined) => string, maxParams: number): void {
    this.defs.set(name, { name, value: '', multiline: false, fn, maxParams });
  }

  /** Defines or redefines NAME (a redefinition replaces a standard one). Used by ~SEQ and ~LST. */
  set(name: string, value: string): void {
    const found = this.defs.get(name);
    if (found) {
      found.value = value;
      found.fn = undefined;
      return;
    }
    this.defs.set(name, { name, value, multiline: false, maxParams: 0 });
  }

  /**
   * A line `$NAME=value` (blanks allowed before `=`) defines NAME; returns it, or undefined when
   * the line is not a definition. A value ending in `\` starts a multi-line definition.
   */
  parseDefinitionLine(line: string): Definition | undefined {
    if (line[0] !== '$' || !(isAlpha(line[1]) || line[1] === '_')) return undefined;
    let p = 2;
    while (p < line.length && line[p] !== '=') {
      if (!isIdent(line[p])) return undefined;
      p++;
    }
    const name = line.slice(1, p);
    while (line[p] === ' ' || line[p] === '\t') p++;
    if (line[p] !== '=') return undefined;
    p++;
    while (line[p] === ' ' || line[p] === '\t') p++;
    let value = line.slice(p);
    let multiline = false;
    if (value.endsWith('\\')) {
      multiline = true;
      value = value.slice(0, -1).replace(/[ \t]+$/, '');
      // keepalived marks the end of the first line; a value of only "\" starts empty.
      value = value.length > 0 ? value + DEF_LINE_END : '';
    }
    const existing = this.defs.get(name);
    if (existing) {
      existing.value = value;
      existing.multiline = multiline;
      existing.fn = undefined;
      return existing;
    }
    const def: Definition = { name, value, multiline, maxParams: 0 };
    this.defs.set(name, def);
    return def;
  }

  /** Looks up the reference that starts just after a `$` at text[pos]. */
  find(text: string, pos: number): FoundDefinition | undefined {
    if (this.defs.size === 0) return undefined;
    let usingBraces = false;
    let p = pos;
    if (text[p] === '{') {
      usingBraces = true;
      p++;
    }
    if (!isAlpha(text[p]) && text[p] !== '_') return undefined;
    const nameStart = p;
    p++;
    while (isIdent(text[p])) p++;
    const name = text.slice(nameStart, p);
    let params: string | undefined;
    if (usingBraces) {
      let paramStart = -1;
      let paramEnd = -1;
      while (p < text.length && (text[p] === ' ' || isDigit(text[p]))) {
        if (text[p] !== ' ') {
          if (paramStart < 0) paramStart = p;
          paramEnd = p;
        }
        p++;
      }
      if (paramStart >= 0 && paramEnd + 1 !== p) return undefined;
      if (text[p] !== '}') return undefined;
      if (paramStart >= 0) params = text.slice(paramStart, paramEnd + 1);
      p++;
    } else {
      const c = text[p];
      if (c !== undefined && c !== ' ' && c !== '\t' && c !== ',' && c !== ')') return undefined;
    }
    // A multi-line definition may only be used where it ends the line.
    const allowMultiline = p >= text.length;
    const def = this.defs.get(name);
    if (!def || (def.multiline && !allowMultiline)) return undefined;
    if (params !== undefined && def.maxParams === 0) return undefined;
    return { def, refLength: p - pos, params };
  }
}
