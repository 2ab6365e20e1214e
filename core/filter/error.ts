/**
 * A filter error with the character range to underline in the filter bar. Messages follow tshark
 * 4.0's wording; `start`/`end` are UTF-16 offsets into the filter text (end exclusive). Errors tshark
 * reports without a position ("Unexpected end of filter expression.") point at the end of the text.
 */
export interface FilterError {
  readonly message: string;
  readonly start: number;
  readonly end: number;
}

/** Thrown inside the compiler stages and caught at the public entry point; never escapes it. */
export class FilterFailure extends Error {
  constructor(
    message: string,
    readonly start: number,
    readonly end: number,
  ) {
    super(message);
  }

  toError(): FilterError {
    return { message: this.message, start: this.start, end: this.end };
  }
}

export function fail(message: string, start: number, end: number): never {
  throw new FilterFailure(message, start, end);
}
