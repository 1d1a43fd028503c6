/** The demo's command line (`npm run demo -- OPTIONS`), parsed into a plain object. Pure. */
import type { SetupName } from './run.js';

export interface DemoArgs {
  /** The runs to play, in order. */
  readonly runs: readonly SetupName[];
  readonly step: boolean;
  readonly keep: boolean;
  readonly json: string | undefined;
  readonly html: string | undefined;
  /** undefined: colour when stdout is a terminal and NO_COLOR is unset. */
  readonly color: boolean | undefined;
  readonly cleanup: boolean;
  readonly help: boolean;
}

export const USAGE = `usage: npm run demo -- [options]

Plays the seed's nginx HA pair (keepalived guide, sections 3 and 4.6) in network namespaces:
a client, a switch, lb01 and lb02 with nginx and keepalived, through a scripted timeline.

  --with IMPL     run IMPL on both nodes: keepalived-ts (default) or keepalived
  --mixed         lb01 runs keepalived-ts, lb02 the real keepalived
  --compare       run keepalived-ts, then keepalived (and mixed, with --mixed), back to back,
                  and print their outage times side by side
  --step          pause before each step until Enter is pressed
  --keep          leave the (last) lab up at the end for exploring; prints how to clean up
  --json FILE     write the timeline (every step, check, state change, request, mail) as JSON
  --html FILE     where to write the HTML report (default: <tmpdir>/keepalived-ts-demo.html)
  --color, --no-color
  --cleanup       tear down labs left by --keep (or by a killed run), then exit
  -h, --help`;

export type ParseResult = { ok: true; args: DemoArgs } | { ok: false; error: string };

const IMPLS = new Set(['keepalived', 'keepalived-ts']);

export function parseDemoArgs(argv: readonly string[]): ParseResult {
  let impl: SetupName = 'keepalived-ts';
  let withGiven = false;
  let mixed = false;
  let compare = false;
  let step = false;
  let keep = false;
  let json: string | undefined;
  let html: string | undefined;
  let color: boolean | undefined;
  let cleanup = false;
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? '';
    const eq = a.indexOf('=');
    const [name, inline] = a.startsWith('--') && eq > 0 ? [a.slice(0, eq), a.slice(eq + 1)] : [a, undefined];
    const value = (): string | undefined => inline ?? argv[++i];
    switch (name) {
      case '--with': {
        const v = value();
        if (v === undefined || !IMPLS.has(v)) {
          return { ok: false, error: `--with takes keepalived or keepalived-ts, not "${v ?? ''}"` };
        }
        impl = v as SetupName;
        withGiven = true;
        break;
      }
      case '--mixed':
        mixed = true;
        break;
      case '--compare':
        compare = true;
        break;
      case '--step':
        step = true;
        break;
      case '--keep':
        keep = true;
        break;
      case '--json':
      case '--html': {
        const v = value();
        if (v === undefined || v === '') return { ok: false, error: `${name} needs a file name` };
        if (name === '--json') json = v;
        else html = v;
        break;
      }
      case '--color':
        color = true;
        break;
      case '--no-color':
        color = false;
        break;
      case '--cleanup':
        cleanup = true;
        break;
      case '-h':
      case '--help':
        help = true;
        break;
      default:
        return { ok: false, error: `unknown option "${a}"` };
    }
  }
  if (mixed && withGiven && !compare) return { ok: false, error: '--mixed and --with exclude each other' };
  const runs: SetupName[] = compare
    ? ['keepalived-ts', 'keepalived', ...(mixed ? (['mixed'] as const) : [])]
    : [mixed ? 'mixed' : impl];
  return { ok: true, args: { runs, step, keep, json, html, color, cleanup, help } };
}
