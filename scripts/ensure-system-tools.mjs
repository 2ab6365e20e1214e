#!/usr/bin/env node
// Makes sure the system tools the test suite needs are present before it starts.
// As root with apt-get available, a missing tool is installed; otherwise the script fails and
// prints the exact command to run. Tools: tshark (the oracle for every packet we write) and
// Debian's Chromium (the browser the end-to-end tests drive with playwright-core).
import { spawnSync } from 'node:child_process';

const tools = [
  {
    name: 'tshark',
    check: ['tshark', ['--version']],
    packages: ['tshark'],
    // tshark's package asks whether non-root users may capture; answer it so the install never waits.
    preseed: 'wireshark-common wireshark-common/install-setuid boolean false',
  },
  {
    name: 'chromium',
    check: ['/usr/bin/chromium', ['--version']],
    packages: ['chromium'],
  },
];

function has(cmd, args) {
  const r = spawnSync(cmd, args, { stdio: 'ignore' });
  return r.status === 0;
}

function run(cmd, args, input) {
  const r = spawnSync(cmd, args, {
    stdio: [input ? 'pipe' : 'ignore', 'inherit', 'inherit'],
    input,
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  return r.status === 0;
}

const missing = tools.filter((t) => !has(...t.check));
if (missing.length === 0) process.exit(0);

const packages = missing.flatMap((t) => t.packages);
const preseeds = missing.map((t) => t.preseed).filter(Boolean);
const command =
  (preseeds.length ? `echo '${preseeds.join('\\n')}' | sudo debconf-set-selections && ` : '') +
  `sudo apt-get update && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y ${packages.join(' ')}`;

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
if (!isRoot || !has('apt-get', ['--version'])) {
  console.error(`The tests need ${missing.map((t) => t.name).join(', ')}, ${missing.length > 1 ? "which are not installed. Install them" : "which is not installed. Install it"} with:\n\n  ${command}\n`);
  process.exit(1);
}

console.log(`Installing ${packages.join(', ')} with apt-get (needed by the tests)…`);
if (preseeds.length && !run('debconf-set-selections', [], preseeds.join('\n') + '\n')) process.exit(1);
if (!run('apt-get', ['update', '-qq'])) process.exit(1);
if (!run('apt-get', ['install', '-y', '-qq', ...packages])) process.exit(1);
const still = missing.filter((t) => !has(...t.check));
if (still.length) {
  console.error(`Installing ${still.map((t) => t.name).join(', ')} failed. Try:\n\n  ${command}\n`);
  process.exit(1);
}
