/**
 * Configuration diagnostics, classified exactly as keepalived 2.2.7 classifies them
 * (lib/parser.h `config_err_t`), because the class decides `-t`'s exit status.
 */

/** keepalived's config_err_t, in its order: a later kind wins when computing the exit status. */
export const ConfigErrKinds = [
  'ok',
  'file-not-found',
  'bad-interface',
  'fatal',
  'multiple-files',
  'unknown-keyword',
  'unexpected-bob',
  'missing-bob',
  'unexpected-eob',
  'missing-eob',
  'unmatched-quote',
  'missing-parameter',
  'invalid-number',
  'general-error',
  'warning',
  'deprecated',
  'security',
] as const;
export type ConfigErrKind = (typeof ConfigErrKinds)[number];

/** What an operator reads: cannot run / runs but wrong / worth knowing. */
export type Severity = 'fatal' | 'error' | 'warning';

export function severityOf(kind: ConfigErrKind): Severity {
  switch (kind) {
    case 'file-not-found':
    case 'bad-interface':
    case 'fatal':
    case 'missing-parameter':
      return 'fatal';
    case 'warning':
    case 'deprecated':
    case 'ok':
      return 'warning';
    default:
      return 'error';
  }
}

export interface SourceLoc {
  readonly file: string;
  readonly line: number;
}

export interface Diagnostic {
  readonly kind: ConfigErrKind;
  readonly severity: Severity;
  readonly message: string;
  /** Absent for diagnostics keepalived prints without a line (whole-config checks). */
  readonly loc?: SourceLoc;
  readonly keyword?: string;
  readonly value?: string;
}

/** `keepalived -t` exit statuses (keepalived(8) "Exit status", as measured on 2.2.7). */
export const ConfigTestExit = {
  ok: 0,
  /** A keyword without its value: keepalived stops reading at once. */
  missingParameter: 2,
  /** The config cannot be run: file not found, bad interface, fatal. */
  cannotRun: 4,
  /** Errors or warnings, keepalived would still run. */
  errors: 5,
  /** Scripts configured while script security is off. */
  security: 6,
  /** An include made mandatory by include_check / -e could not be read (KEEPALIVED_EXIT_NO_CONFIG). */
  noConfig: 6,
} as const;

/** Collects diagnostics in order; never throws. */
export class DiagnosticSink {
  readonly items: Diagnostic[] = [];
  /** keepalived keeps the numerically largest config_err_t seen (see vreport_config_error). */
  private worst: ConfigErrKind = 'ok';
  private stoppedByMissingParameter = false;

  report(
    kind: ConfigErrKind,
    message: string,
    loc?: SourceLoc,
    extra?: { keyword?: string; value?: string },
  ): void {
    const d: Diagnostic = {
      kind,
      severity: severityOf(kind),
      message,
      ...(loc ? { loc } : {}),
      ...(extra?.keyword !== undefined ? { keyword: extra.keyword } : {}),
      ...(extra?.value !== undefined ? { value: extra.value } : {}),
    };
    this.items.push(d);
    if (kind === 'missing-parameter') this.stoppedByMissingParameter = true;
    if (ConfigErrKinds.indexOf(kind) > ConfigErrKinds.indexOf(this.worst)) this.worst = kind;
  }

  get worstKind(): ConfigErrKind {
    return this.worst;
  }

  /** The status `keepalived -t` would exit with for what was reported. */
  exitStatus(): number {
    if (this.stoppedByMissingParameter) return ConfigTestExit.missingParameter;
    switch (this.worst) {
      case 'ok':
        return ConfigTestExit.ok;
      case 'file-not-found':
      case 'bad-interface':
      case 'fatal':
        return ConfigTestExit.cannotRun;
      case 'security':
        return ConfigTestExit.security;
      default:
        return ConfigTestExit.errors;
    }
  }
}

/** `(FILE: Line N) message`, keepalived's own layout, so operators' log greps keep working. */
export function formatDiagnostic(d: Diagnostic): string {
  return d.loc ? `(${d.loc.file}: Line ${d.loc.line}) ${d.message}` : d.message;
}
