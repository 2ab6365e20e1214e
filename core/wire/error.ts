import { err } from '../base/result.ts';

/** Why bytes are not a valid header: a code for programs, a message and the byte offset for people. */
export interface WireError {
  readonly code: 'truncated' | 'bad-length' | 'bad-version' | 'bad-checksum' | 'bad-value' | 'unsupported';
  readonly message: string;
  /** Offset of the offending byte within the bytes handed to the view. */
  readonly offset: number;
}

export function wireError(code: WireError['code'], message: string, offset: number) {
  return err<WireError>({ code, message, offset });
}
