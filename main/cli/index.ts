import { Output } from './output.ts';
import { READ_USAGE, readCommand } from './read-command.ts';

const USAGE = `usage: underlay <command> [options]

Commands:
  read FILE [-Y FILTER] [-T fields -e FIELD …] [-V]
        read a pcap/pcapng capture the way tshark does
  help  show this text

Run 'underlay read --help' for the options of read.
`;

/** The CLI entry: dispatches to a command and returns the process exit status. */
export function main(argv: readonly string[]): number {
  const out = new Output(1);
  const err = new Output(2);
  const [command, ...rest] = argv;
  let status: number;
  switch (command) {
    case 'read':
      status = readCommand(rest, out, err);
      break;
    case undefined:
    case 'help':
    case '-h':
    case '--help':
      out.line(command === undefined ? USAGE : USAGE + '\n' + READ_USAGE);
      status = 0;
      break;
    default:
      err.line(`underlay: unknown command "${command}"\n\n${USAGE}`);
      status = 2;
  }
  out.flush();
  err.flush();
  return status;
}
