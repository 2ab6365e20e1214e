/**
 * What the topology canvas animates, published by the simulation mode (which knows the event log
 * and virtual time) so the canvas (renderer/src/editor) only draws: packets in flight on links,
 * coloured by verdict, and a badge on every link end that has a capture tap, with its frame count.
 *
 * Node names are the topology's: an instance, a host (its Nitro card), a ToR or a spine.
 */
import { defineStore } from 'pinia';
import { shallowRef } from 'vue';

export type AnimationVerdict = 'forward' | 'deliver' | 'rewrite' | 'drop';

export interface PacketInFlight {
  readonly traceId: number;
  /** Node the packet left. */
  readonly from: string;
  /** Node it is travelling to. */
  readonly to: string;
  /** 0 when it left `from`, 1 when it reaches `to`. */
  readonly progress: number;
  readonly verdict: AnimationVerdict;
}

export interface TapBadge {
  /** The tapped port, as in capture point names (`web:eni`, `host-a:eth0`, `tor-a:spine-1`). */
  readonly port: string;
  /** Node the port belongs to, and the node at the link's other end. */
  readonly node: string;
  readonly peer: string;
  /** Frames that capture point holds. */
  readonly frames: number;
}

export const useAnimationStore = defineStore('animation', () => {
  const packets = shallowRef<readonly PacketInFlight[]>([]);
  const taps = shallowRef<readonly TapBadge[]>([]);
  /** The trace whose path is highlighted (the selected event's), or null. */
  const highlightedTrace = shallowRef<number | null>(null);
  /** Nodes of the highlighted trace's path, in order, for the canvas to outline. */
  const highlightedPath = shallowRef<readonly string[]>([]);

  function setPackets(next: readonly PacketInFlight[]): void {
    packets.value = next;
  }

  function setTaps(next: readonly TapBadge[]): void {
    taps.value = next;
  }

  function highlight(traceId: number | null, path: readonly string[]): void {
    highlightedTrace.value = traceId;
    highlightedPath.value = path;
  }

  function clear(): void {
    packets.value = [];
    taps.value = [];
    highlightedTrace.value = null;
    highlightedPath.value = [];
  }

  return { packets, taps, highlightedTrace, highlightedPath, setPackets, setTaps, highlight, clear };
});
