import { runCli } from './main.ts';

runCli(process.argv.slice(2), process.env, (text) => process.stdout.write(`${text}\n`)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`zenovay: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
