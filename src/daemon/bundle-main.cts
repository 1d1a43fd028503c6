/**
 * The command line run from one file: `tsc -p tsconfig.bundle.json` compiles main.ts and
 * everything it imports into dist/bundle/cli.js (System.register format), and this module
 * loads it with a V8 code cache. Node 20 loads ES modules one by one, resolving, reading and
 * compiling each (the 80 modules of `-t` took more time than Node's own start), and has no
 * compile cache of its own; one script from a code cache starts in a few milliseconds.
 *
 * bin/keepalived-ts (CommonJS, as this file: Node's ES module loader alone costs more than
 * the rest of an empty `-t`) comes here when its arguments may ask for `-t`, --dump-config or
 * --print-config, and only when the bundle is at least as new as the ES build: a `tsc -p .`
 * without the bundle step leaves an older bundle, which is then not used. The daemon keeps its
 * ES modules: the bundle leaves it out (cli.ts), and imports of modules not in it go to the ES
 * build.
 */
import { readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Script } from 'node:vm';

type Namespace = Record<string, unknown>;
type Setter = ((ns: Namespace) => void) | undefined;
type ExportFn = (name: string | Namespace, value?: unknown) => unknown;
interface Context {
  readonly id: string;
  readonly meta: { readonly url: string };
  readonly import: (id: string) => Promise<Namespace>;
}
type Declare = (exp: ExportFn, ctx: Context) => { setters: Setter[]; execute?: () => unknown };

interface Record_ {
  readonly exports: Namespace;
  /** The setters of the modules that import this one: called again when an export changes. */
  readonly importers: ((ns: Namespace) => void)[];
  readonly deps: string[];
  execute: (() => unknown) | undefined;
  /** 0 linked, 1 executing, 2 done. */
  state: number;
}

const DIST = join(__dirname, '../..');
const BUNDLE = join(DIST, 'bundle/cli.js');
const CACHE = join(DIST, 'bundle/cli.cache');
/** A file of the ES build, written by every `tsc -p .`: a bundle older than it is stale. */
const ES_BUILD_MARK = join(DIST, 'src/daemon/main.js');

/** Whether the bundle exists and was built no earlier than the ES modules. */
function bundleIsCurrent(): boolean {
  try {
    return statSync(BUNDLE).mtimeMs >= statSync(ES_BUILD_MARK).mtimeMs;
  } catch {
    return false;
  }
}

const declared = new Map<string, { deps: string[]; declare: Declare }>();
const records = new Map<string, Record_>();

/** A Node built-in as an `import * as` namespace: its own properties plus `default`. */
function builtin(id: string): Namespace {
  const mod = require(id) as object;
  const ns = Object.create(mod) as Namespace;
  ns.default = mod;
  return ns;
}

function link(id: string): Record_ {
  const known = records.get(id);
  if (known) return known;
  const def = declared.get(id);
  if (!def) throw new Error(`bundle has no module ${id}`);
  const rec: Record_ = { exports: {}, importers: [], deps: def.deps, execute: undefined, state: 0 };
  records.set(id, rec);
  const exp: ExportFn = (name, value) => {
    if (typeof name === 'string') rec.exports[name] = value;
    else Object.assign(rec.exports, name);
    for (const s of rec.importers) s(rec.exports);
    return value;
  };
  const ctx: Context = {
    id,
    // What import.meta.url would be in the ES build (only rawsock.ts and the daemon use it).
    get meta() {
      return { url: pathToFileURL(join(DIST, `${id}.js`)).href };
    },
    import: (spec) => dynamicImport(id, spec),
  };
  const { setters, execute } = def.declare(exp, ctx);
  rec.execute = execute;
  def.deps.forEach((dep, i) => {
    const set = setters[i];
    if (dep.startsWith('node:')) {
      set?.(builtin(dep));
      return;
    }
    const d = link(dep);
    if (set) {
      d.importers.push(set);
      set(d.exports);
    }
  });
  return rec;
}

/** Runs a module after its imports, depth first; only the entry may await (main.ts). */
function execute(id: string): unknown {
  const rec = records.get(id) as Record_;
  if (rec.state !== 0) return undefined;
  rec.state = 1;
  for (const dep of rec.deps) if (!dep.startsWith('node:')) execute(dep);
  const result = rec.execute?.();
  rec.state = 2;
  return result;
}

async function run(id: string): Promise<Namespace> {
  const rec = link(id);
  await execute(id);
  return rec.exports;
}

/**
 * `import(spec)` in module `from`: from the bundle when it holds the module, else from the ES
 * build (the daemon). tsc names bundled modules by path without `.js`; the names cli.ts
 * passes through variables are still relative.
 */
function dynamicImport(from: string, spec: string): Promise<Namespace> {
  const id = spec.startsWith('.') ? join(dirname(from), spec).replace(/\.js$/, '') : spec;
  if (declared.has(id)) return run(id);
  return import(pathToFileURL(join(DIST, `${id}.js`)).href) as Promise<Namespace>;
}

/**
 * Compiles the bundle with the code cache when there is a valid one; otherwise writes one at
 * exit, when the functions the run needed have been compiled too (so the next run finds them
 * compiled). A cache V8 rejects (another Node, another bundle) is replaced the same way.
 */
function compile(): void {
  const source = readFileSync(BUNDLE, 'utf8');
  let cachedData: Buffer | undefined;
  try {
    cachedData = readFileSync(CACHE);
  } catch {
    cachedData = undefined;
  }
  const script = new Script(`(function (System) {${source}\n})`, {
    filename: BUNDLE,
    ...(cachedData ? { cachedData } : {}),
  });
  if (!cachedData || script.cachedDataRejected) {
    process.once('exit', () => {
      // Written beside the bundle through a temporary name, so that a concurrent run never
      // reads half a cache; a read-only install simply goes without.
      const tmp = `${CACHE}.${process.pid}`;
      try {
        writeFileSync(tmp, script.createCachedData());
        renameSync(tmp, CACHE);
      } catch {
        try {
          unlinkSync(tmp);
        } catch {}
      }
    });
  }
  const wrapper = script.runInThisContext() as (system: object) => void;
  wrapper({
    register(id: string, deps: string[], declare: Declare) {
      declared.set(id, { deps, declare });
    },
  });
}

/** Runs the command line from the bundle; false when there is no current bundle. */
export function runBundled(): boolean {
  if (!bundleIsCurrent()) return false;
  compile();
  run('src/daemon/main').catch((e: unknown) => {
    process.stderr.write(`keepalived-ts: internal error: ${(e as Error).message}\n`);
    process.exitCode = 70;
  });
  return true;
}
