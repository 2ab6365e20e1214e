import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/** `underlay lab`: list, show, run and check guided labs; exit 0 all pass, 1 some fail, 2 bad input. */

/** Runs the CLI without blocking the test worker (a blocked worker misses vitest's RPC deadlines). */
function cli(args: string[]): Promise<{ stdout: string; stderr: string; status: number | null }> {
  return new Promise((resolve) => {
    execFile('node', ['bin/underlay', ...args], { encoding: 'utf8' }, (error, stdout, stderr) => {
      resolve({ stdout, stderr, status: error ? (typeof error.code === 'number' ? error.code : null) : 0 });
    });
  });
}

const underlay = (args: string[]) => cli(['lab', ...args]);

const IDS = ['01-two-hosts-geneve', '02-arp-stays-home', '03-spoofing', '04-vpc-peering', '05-sg-vs-nacl', '06-mtu', '07-host-cache-move'];

describe('underlay lab', () => {
  it('list --ids prints one lab id per line', async () => {
    const r = await underlay(['list', '--ids']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(IDS.join('\n') + '\n');
  });

  it('list prints id, level, minutes and title', async () => {
    const r = await underlay(['list']);
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(IDS.length);
    expect(lines[0]).toMatch(/^01-two-hosts-geneve\s+beginner\s+20 min\s+Two instances, two hosts/);
  });

  it('check --solution passes every check (exit 0)', async () => {
    const r = await underlay(['check', '05-sg-vs-nacl', '--solution']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^PASS {2}page-arrived: .*\n {6}1 frame at \S+:eni matched `http.response.code == 200`/m);
    expect(r.stdout.trim().split('\n').at(-1)).toBe('6 of 6 checks pass: lab complete');
  });

  it('check with nothing done fails, explains and hints (exit 1)', async () => {
    const r = await underlay(['check', '05-sg-vs-nacl', '--exec', '{{client}}: curl -s -m 2 http://server/']);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^FAIL {2}page-arrived: /m);
    expect(r.stdout).toMatch(/dropped at the Nitro card of host-b \(ENI of server\) with NACL_EGRESS_DENY: rule \* deny all 0\.0\.0\.0\/0 \(back-acl denies it leaving back\)/);
    expect(r.stdout).toMatch(/^ {6}hint: Replies travel from port 80/m);
    expect(r.stdout.trim().split('\n').at(-1)).toBe('3 of 6 checks pass');
  });

  it('check grades the learner\'s topology and commands', async () => {
    const r = await underlay(['check', '05-sg-vs-nacl', '--topology', 'labs/05-sg-vs-nacl/solution-topology.yaml', '--exec', '{{client}}: curl -s -m 2 http://server/']);
    expect(r.status).toBe(0);
  });

  it('the seed changes the learner\'s names and addresses', async () => {
    const a = (await underlay(['show', '01-two-hosts-geneve', '--seed', '1'])).stdout;
    const b = (await underlay(['show', '01-two-hosts-geneve', '--seed', '2'])).stdout;
    expect(a).toMatch(/^## Step 1: Look at the topology$/m);
    expect(a).not.toBe(b);
    expect((await underlay(['show', '01-two-hosts-geneve', '--seed', '1'])).stdout).toBe(a);
  });

  it('topology prints the learner\'s copy of the starting topology, which underlay run takes', async () => {
    const r = await underlay(['topology', '02-arp-stays-home', '--seed', '3']);
    expect(r.status).toBe(0);
    expect(r.stdout).not.toMatch(/\{\{/);
    const dir = mkdtempSync(join(tmpdir(), 'underlay-lab-'));
    writeFileSync(join(dir, 'mine.yaml'), r.stdout);
    const run = await cli(['run', join(dir, 'mine.yaml'), '--exec', 'web: ping -c 1 db', '-q']);
    expect(run.status).toBe(0);
    expect((await underlay(['check', '02-arp-stays-home', '--seed', '3', '--topology', join(dir, 'mine.yaml'), '--exec', 'web: ping -c 1 db', '--exec', '@1s web: ping -c 1 api'])).status).toBe(0);
  });

  it('run plays the scenario and says what the fabric dropped', async () => {
    const r = await underlay(['run', '07-host-cache-move']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^\[1\.050000000\] move server from host-b to host-c$/m);
    expect(r.stdout).toMatch(/^run ended at 1\.050000000 s\nno packet was dropped in this run$/m);
    const spoof = await underlay(['run', '03-spoofing']);
    expect(spoof.stdout).toMatch(/^- 2 packets \(the first: ICMP Echo \(ping\) request .*\) were dropped at the Nitro card of host-b \(its underlay port\) with MAPPING_SPOOFED_SOURCE/m);
    expect(spoof.stdout).toMatch(/^mapping-service alarms: 2 \(MAPPING_SPOOFED_SOURCE on host-b\)$/m);
  });

  it('bad input exits 2 with a message', async () => {
    // Independent runs, in parallel: each CLI start costs seconds on a loaded machine.
    const [unknown, option, command, noId, exec, who] = await Promise.all([
      underlay(['check', 'no-such-lab']),
      underlay(['check', '06-mtu', '--bogus']),
      underlay(['frobnicate']),
      underlay(['check']),
      underlay(['check', '06-mtu', '--exec', 'no colon here']),
      underlay(['check', '06-mtu', '--exec', 'ghost: ping near']),
    ]);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/^underlay lab: no lab "no-such-lab" \(labs: 01-two-hosts-geneve, /);
    expect(option.status).toBe(2);
    expect(command.status).toBe(2);
    expect(noId.stderr).toMatch(/lab check takes exactly one lab id/);
    expect(exec).toMatchObject({ status: 2, stderr: "underlay lab: --exec 'no colon here' is not '[@TIME ]INSTANCE: COMMAND'\n" });
    expect(who.status).toBe(2);
    expect(who.stderr).toMatch(/--exec 'ghost: ping near': no instance named "ghost"/);
  });

  it('a broken learner topology is reported with line and column (exit 2)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'underlay-lab-'));
    const file = join(dir, 'mine.yaml');
    writeFileSync(file, readFileSync('labs/05-sg-vs-nacl/topology.yaml', 'utf8').replace('ports: 80,', 'ports: 80-70000,'));
    const r = await underlay(['check', '05-sg-vs-nacl', '--topology', file]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^${file.replace(/[.]/g, '\\.')}:\\d+:\\d+: error port-range: `, 'm'));
    expect((await underlay(['check', '05-sg-vs-nacl', '--topology', join(dir, 'missing.yaml')])).stderr).toMatch(/cannot read .*missing\.yaml: ENOENT/);
  });

  it('a broken lab is reported with file, line and column (exit 2)', async () => {
    const labs = mkdtempSync(join(tmpdir(), 'underlay-labs-'));
    mkdirSync(join(labs, 'broken'));
    writeFileSync(join(labs, 'broken', 'lab.yaml'), 'version: 1\nid: broken\ntitle: Broken\nlevel: beginner\nminutes: 5\nobjectives: [x]\ntopology: topology.yaml\nsteps: [{ title: a, file: a.md }]\nchecks:\n  - { id: c, title: c, capture: { filter: icmp }, colour: red }\n');
    const r = await underlay(['check', 'broken', '--labs', labs]);
    expect(r).toMatchObject({ status: 2, stderr: `${join(labs, 'broken')}/lab.yaml:10:51: error unknown-key: unknown key "colour"\n` });
    // Once the structure is right, the files it names are looked for.
    writeFileSync(join(labs, 'broken', 'lab.yaml'), readFileSync(join(labs, 'broken', 'lab.yaml'), 'utf8').replace(', colour: red', ''));
    const files = await underlay(['check', 'broken', '--labs', labs]);
    expect(files.status).toBe(2);
    expect(files.stderr.split('\n')).toEqual([
      `${join(labs, 'broken')}/lab.yaml:7:11: error unknown-reference: no file "topology.yaml" in the lab folder`,
      `${join(labs, 'broken')}/lab.yaml:8:27: error unknown-reference: no file "a.md" in the lab folder`,
      '',
    ]);
    const list = await underlay(['list', '--labs', labs]);
    expect(list.status).toBe(2);
    expect(list.stderr).toMatch(/^broken: \d+ problem\(s\); run 'underlay lab show broken' to see them/);
  });

  it('is in the CLI\'s usage', async () => {
    const r = await cli(['help']);
    expect(r.stdout).toMatch(/lab list\|show\|topology\|run\|check/);
    expect((await underlay(['--help'])).stdout).toMatch(/^usage: underlay lab list \[--ids\]/);
  });
});
