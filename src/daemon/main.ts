/** Process entry point: never a stack trace for the operator, always an exit status. */
import { runCli } from './cli.js';

try {
  process.exitCode = await runCli(process.argv.slice(2));
} catch (e) {
  process.stderr.write(`keepalived-ts: internal error: ${(e as Error).message}\n`);
  process.exitCode = 70;
}
