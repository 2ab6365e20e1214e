/**
 * A small argv reader for tshark-style options: short flags that may take a value (`-Y expr`,
 * `-e field`, repeated), long `--flags`, and positional arguments. Errors name the option.
 */
export interface ParsedArgs {
  readonly positional: string[];
  readonly options: Map<string, string[]>;
  readonly flags: Set<string>;
}

export class UsageError extends Error {}

export function parseArgs(argv: readonly string[], withValue: ReadonlySet<string>, booleans: ReadonlySet<string>): ParsedArgs {
  const positional: string[] = [];
  const options = new Map<string, string[]>();
  const flags = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      positional.push(...argv.slice(i + 1));
      break;
    }
    if (a.startsWith('-') && a.length > 1) {
      let name = a;
      let inline: string | undefined;
      const eq = a.indexOf('=');
      if (a.startsWith('--') && eq > 0) {
        name = a.slice(0, eq);
        inline = a.slice(eq + 1);
      } else if (!a.startsWith('--') && a.length > 2 && withValue.has(a.slice(0, 2))) {
        name = a.slice(0, 2); // -Yexpr, -efield
        inline = a.slice(2);
      }
      if (withValue.has(name)) {
        const value = inline ?? argv[++i];
        if (value === undefined) throw new UsageError(`option ${name} needs a value`);
        const list = options.get(name) ?? [];
        list.push(value);
        options.set(name, list);
      } else if (booleans.has(name)) {
        flags.add(name);
      } else {
        throw new UsageError(`unknown option ${a}`);
      }
    } else {
      positional.push(a);
    }
  }
  return { positional, options, flags };
}
