/**
 * The few host globals core may use: every runtime core runs in (worker, Node, renderer) has them,
 * but the ES2022 library does not declare them. Nothing else from the host is allowed here.
 */
declare class TextEncoder {
  encode(input?: string): Uint8Array;
  /** Encodes as much of `source` as fits, never splitting a character; lone surrogates become U+FFFD. */
  encodeInto(source: string, destination: Uint8Array): { read: number; written: number };
}
declare class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean; ignoreBOM?: boolean });
  decode(input?: Uint8Array): string;
}
