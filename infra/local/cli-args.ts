import { type ParseArgsConfig, parseArgs } from 'node:util';

type Options = NonNullable<ParseArgsConfig['options']>;
type Values<O extends Options> = ReturnType<typeof parseArgs<{ options: O; strict: true }>>['values'];

export type CliParse<O extends Options> =
  | { readonly kind: 'values'; readonly values: Values<O> }
  | { readonly kind: 'help' }
  | { readonly kind: 'error'; readonly message: string };

/**
 * `node:util` parseArgs in strict mode plus `--help`: an unknown flag, a
 * missing value or a stray positional is an error naming it, never ignored.
 */
export function parseCliArgs<O extends Options>(argv: readonly string[], options: O): CliParse<O> {
  if (argv.includes('--help') || argv.includes('-h')) return { kind: 'help' };
  try {
    const { values } = parseArgs({ args: [...argv], options, strict: true, allowPositionals: false });
    return { kind: 'values', values: values as Values<O> };
  } catch (err) {
    return { kind: 'error', message: err instanceof Error ? err.message : String(err) };
  }
}

/** For a script's entry: prints usage and exits 0 on --help, prints the error and usage and exits 2 on a bad flag. */
export function cliArgs<O extends Options>(
  name: string,
  usage: string,
  options: O,
  argv: readonly string[] = process.argv.slice(2),
): Values<O> {
  const parsed = parseCliArgs(argv, options);
  if (parsed.kind === 'values') return parsed.values;
  if (parsed.kind === 'help') {
    process.stdout.write(`usage: ${usage}\n`);
    process.exit(0);
  }
  process.stderr.write(`${name}: ${parsed.message}\nusage: ${usage}\n`);
  process.exit(2);
}
