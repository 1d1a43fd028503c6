/** Process entry point: never a stack trace for the operator, always an exit status. */
import { runCli } from './cli.js';

// Without a listener, SIGUSR1 makes Node open its inspector (code execution for any local
// user who can reach 127.0.0.1:9229). keepalived's SIGUSR1 is a data dump: ignore it until
// the daemon listens (dumps.ts), and after it stops.
process.on('SIGUSR1', () => {});

try {
  process.exitCode = await runCli(process.argv.slice(2));
} catch (e) {
  process.stderr.write(`keepalived-ts: internal error: ${(e as Error).message}\n`);
  process.exitCode = 70;
}
