/**
 * `node dist/src/testing/compare-config-cli.js [--ns NS] [-i ID] FILE...`: compares
 * keepalived -t and keepalived-ts -t on each file; exit 1 if any differs.
 */
import { compareConfigTest, describeComparison } from './config-compare.js';

const args = process.argv.slice(2);
let ns: string | undefined;
let configId: string | undefined;
const files: string[] = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--ns') ns = args[++i];
  else if (args[i] === '-i') configId = args[++i];
  else files.push(args[i] as string);
}
let differ = 0;
for (const f of files) {
  const c = compareConfigTest(f, { ...(ns ? { ns } : {}), ...(configId ? { configId } : {}) });
  if (c.same) process.stdout.write(`same: ${f} (exit ${c.ours.status}, ${c.ours.places.size} places)\n`);
  else {
    differ++;
    process.stdout.write(`DIFFERENT: ${describeComparison(f, c)}\n\n`);
  }
}
process.stdout.write(`${files.length - differ} same, ${differ} different\n`);
process.exitCode = differ ? 1 : 0;
