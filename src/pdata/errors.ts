/** Malformed OTLP input. The message says what is wrong and where (field path, byte offset). */
export class DecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DecodeError';
  }
}
