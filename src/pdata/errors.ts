/** Malformed OTLP input. The message says what is wrong and where (field path, byte offset). */
export class DecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DecodeError';
  }
}

/**
 * A request holding more items (spans, data points, log records) than the receiver takes in
 * one request. Found while scanning, so the rest of the request is not read. A DecodeError
 * so that code unaware of it still refuses the request; receivers answer it with 413 /
 * INVALID_ARGUMENT, never "retry later": the same request can never pass.
 */
export class TooManyItemsError extends DecodeError {
  readonly limit: number;
  constructor(message: string, limit: number) {
    super(message);
    this.name = 'TooManyItemsError';
    this.limit = limit;
  }
}

/**
 * True when `err`, or an error it was caused by, is a DecodeError (also one rebuilt from a
 * worker thread's message, which keeps only the name): the data, not the destination, failed.
 */
export function isDecodeFailure(err: unknown): boolean {
  let e = err;
  for (let depth = 0; depth < 8 && typeof e === 'object' && e !== null; depth++) {
    if (e instanceof DecodeError || (e as { name?: unknown }).name === 'DecodeError') return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}
