import { LAB_USAGE, labCommand } from './lab-command.ts';
import { Output } from './output.ts';
import { READ_USAGE, readCommand } from './read-command.ts';
import { RUN_USAGE, runCommand } from './run-command.ts';

const USAGE = `usage: underlay <command> [options]

Commands:
  run TOPOLOGY --exec 'INSTANCE: COMMAND' … [--until 5s] [--pcap FILE]
        simulate a topology, run commands on its instances, print every
        packet's hop-by-hop path with the fabric's verdicts
  read FILE [-Y FILTER] [-T fields -e FIELD …] [-V]
        read a pcap/pcapng capture the way tshark does
  lab list|show|topology|run|check [ID] [--solution] [--topology FILE] [--exec …]
        guided labs, graded on what really happened in the fabric
  help  show this text

Run 'underlay run --help', 'underlay read --help' or 'underlay lab --help' for their options.
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
    case 'run':
      status = runCommand(rest, out, err);
      break;
    case 'lab':
      status = labCommand(rest, out, err);
      break;
    case undefined:
    case 'help':
    case '-h':
    case '--help':
      out.line(command === undefined ? USAGE : USAGE + '\n' + RUN_USAGE + '\n' + READ_USAGE + '\n' + LAB_USAGE);
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
