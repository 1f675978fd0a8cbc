import { InputError } from '../core/types';
import { formatFlagHelp, parseArgs } from './args';
import { COMMANDS } from './commands';
import type { Command } from './command';
import { EXIT, oneLine, type CliIO } from './io';

declare const OPTIMIZER_ADVISOR_VERSION: string | undefined;

function version(): string {
  return typeof OPTIMIZER_ADVISOR_VERSION === 'string' ? OPTIMIZER_ADVISOR_VERSION : 'dev';
}

function mainHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length)) + 2;
  return [
    'optimizer-advisor — which optimizer, with what settings, and will it fit on my GPU?',
    '',
    'Usage: optimizer-advisor <command> [arguments] [--json]',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}${c.summary}`),
    '',
    'Run `optimizer-advisor <command> --help` for a command\'s options and defaults.',
    'Exit codes: 0 success (a job that does not fit is a success), 1 internal error, 2 bad input or usage,',
    '3 partial result.',
  ].join('\n');
}

function commandHelp(c: Command): string {
  return [
    `Usage: optimizer-advisor ${c.usage}`,
    '',
    c.summary,
    ...(c.details ? ['', c.details] : []),
    '',
    'Options:',
    formatFlagHelp([...c.flags, { name: 'help', type: 'bool', help: 'show this help' }]),
  ].join('\n');
}

/** Runs the CLI; never throws. Errors print one line on stderr and nothing on stdout. */
export async function runCli(argv: readonly string[], io: CliIO): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    io.err(`${mainHelp()}\n`);
    return EXIT.input;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    io.out(`${mainHelp()}\n`);
    return EXIT.ok;
  }
  if (name === '--version' || name === '-v') {
    io.out(`${version()}\n`);
    return EXIT.ok;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    io.err(`optimizer-advisor: unknown command '${name}' (commands: ${COMMANDS.map((c) => c.name).join(', ')})\n`);
    return EXIT.input;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(`${commandHelp(command)}\n`);
    return EXIT.ok;
  }
  try {
    const args = parseArgs(rest, command.flags);
    return await command.run(args, io);
  } catch (e) {
    if (e instanceof InputError) {
      io.err(`${oneLine(`optimizer-advisor ${name}: ${e.format()}`)}\n`);
      return EXIT.input;
    }
    const message = e instanceof Error ? e.message : String(e);
    io.err(`${oneLine(`optimizer-advisor ${name}: internal error: ${message.split('\n')[0]}`)}\n`);
    if (process.env['OPTIMIZER_ADVISOR_DEBUG'] && e instanceof Error && e.stack) io.err(`${e.stack}\n`);
    return EXIT.internal;
  }
}

if (require.main === module) {
  // Output is collected and written once so that an error leaves stdout empty.
  const out: string[] = [];
  const io: CliIO = {
    cwd: process.cwd(),
    out: (t) => out.push(t),
    err: (t) => process.stderr.write(t),
  };
  runCli(process.argv.slice(2), io).then(
    (code) => {
      const text = out.join('');
      if (code === EXIT.ok || code === EXIT.partial) {
        process.stdout.write(text, () => process.exit(code));
      } else {
        process.exit(code);
      }
    },
    () => process.exit(EXIT.internal),
  );
}
