/**
 * The commands the guest's shell knows, by name. Each lives in its own file; `help` lists them.
 */
import { echo, helpCommand, hostname, ip, netstat, sleep, ss } from './builtins.ts';
import { bulk } from './bulk.ts';
import type { Command } from './common.ts';
import { curl } from './curl.ts';
import { hping } from './hping.ts';
import { nc } from './nc.ts';
import { ping } from './ping.ts';
import { sink } from './sink.ts';
import { traceroute } from './traceroute.ts';

export type { AppContext, Command } from './common.ts';

const table = new Map<string, Command>([
  ['ping', ping],
  ['traceroute', traceroute],
  ['curl', curl],
  ['nc', nc],
  ['hping', hping],
  ['hping3', hping],
  ['bulk', bulk],
  ['sink', sink],
  ['ip', ip],
  ['ss', ss],
  ['netstat', netstat],
  ['hostname', hostname],
  ['echo', echo],
  ['sleep', sleep],
]);
table.set('help', helpCommand(table));

export const COMMANDS: ReadonlyMap<string, Command> = table;
