import { describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { formatValue } from '../../../core/dissect/format.ts';
import { UNDERLAY } from '../../../core/dissect/protocols/underlay-geneve.ts';
import { tshark, tsharkFields } from '../../support/tshark.ts';
import { ENI_DST, ENI_SRC, GWLB_ATTACHMENT, GWLB_COOKIE, GWLB_ENDPOINT } from './tunnel-frames.ts';
import { oracle } from './tunnel-oracle.ts';

/**
 * resources/wireshark/underlay.lua gives Wireshark the `underlay.*` fields our Geneve dissector
 * adds; with it, tshark must print exactly our values.
 */
const LUA = resolve(__dirname, '../../../resources/wireshark/underlay.lua');
const FIELDS = Object.values(UNDERLAY.fields);

describe('underlay.lua', () => {
  it('runs in this tshark (built with Lua)', () => {
    const v = tshark(['-v']);
    expect(v.stdout).toMatch(/with Lua/);
  });

  it('names the same options with the same values as our dissector, frame by frame', () => {
    const o = oracle();
    const rows = tsharkFields(o.file, FIELDS.map((f) => f.abbrev), undefined, ['-X', `lua_script:${LUA}`]);
    expect(rows.length).toBe(o.frames.length);
    o.results.forEach((r, i) => {
      const ours = FIELDS.map((f) => {
        const values = [...r.ourTree.walk()].filter((n) => n.field === f).map((n) => formatValue(f, n.value));
        return values.join(',');
      });
      expect({ frame: i + 1, values: rows[i].map((v) => v ?? '') }).toEqual({ frame: i + 1, values: ours });
    });
    const vpc = rows[o.numberOf('geneve-underlay') - 1];
    expect(vpc.slice(0, 3)).toEqual([`0x${ENI_SRC.toString(16).padStart(16, '0')}`, `0x${ENI_DST.toString(16).padStart(16, '0')}`, '42']);
    const gwlb = rows[o.numberOf('geneve-gwlb') - 1];
    expect(gwlb.slice(3)).toEqual([
      `0x${GWLB_ENDPOINT.toString(16).padStart(16, '0')}`,
      `0x${GWLB_ATTACHMENT.toString(16).padStart(16, '0')}`,
      `0x${GWLB_COOKIE.toString(16)}`,
    ]);
  });

  it('makes the same display filters match the same frames', () => {
    const o = oracle();
    const run = (filter: string) =>
      tsharkFields(o.file, ['frame.number'], filter, ['-X', `lua_script:${LUA}`]).map((row) => Number(row[0]));
    const ours = (pred: (r: (typeof o.results)[number]) => boolean) => o.results.flatMap((r, i) => (pred(r) ? [i + 1] : []));
    expect(run('underlay.gwlb.flow_cookie == 0x8badf00d')).toEqual(ours((r) => r.ours.get('underlay.gwlb.flow_cookie')?.includes('0x8badf00d') ?? false));
    expect(run('underlay.geneve.mapping_version == 42')).toEqual([o.numberOf('geneve-underlay')]);
    expect(run('underlay')).toEqual(ours((r) => r.ours.has('underlay')));
  });
});
