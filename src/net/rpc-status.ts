// A minimal reader for google.rpc.Status (the error detail of gRPC and of OTLP/HTTP error
// bodies): its message, and the delay of a google.rpc.RetryInfo detail, which is how an
// OTLP server asks the client to back off. Only these fields are read; the rest is skipped.

const RETRY_INFO_TYPE = 'type.googleapis.com/google.rpc.RetryInfo';

export interface RpcStatus {
  code: number;
  message: string;
  retryDelayMs: number | undefined;
}

/** Decodes a google.rpc.Status; undefined when the bytes are not one. */
export function decodeRpcStatus(bytes: Uint8Array): RpcStatus | undefined {
  const out: RpcStatus = { code: 0, message: '', retryDelayMs: undefined };
  try {
    forEachField(bytes, (field, value) => {
      if (field === 1 && typeof value === 'number') out.code = value;
      else if (field === 2 && value instanceof Uint8Array) out.message = Buffer.from(value).toString('utf8');
      else if (field === 3 && value instanceof Uint8Array) {
        let type = '';
        let inner: Uint8Array | undefined;
        forEachField(value, (f, v) => {
          if (f === 1 && v instanceof Uint8Array) type = Buffer.from(v).toString('utf8');
          else if (f === 2 && v instanceof Uint8Array) inner = v;
        });
        if (type === RETRY_INFO_TYPE && inner !== undefined) out.retryDelayMs = retryDelay(inner);
      }
    });
  } catch {
    return undefined;
  }
  return out;
}

function retryDelay(retryInfo: Uint8Array): number | undefined {
  let ms: number | undefined;
  forEachField(retryInfo, (f, v) => {
    if (f !== 1 || !(v instanceof Uint8Array)) return;
    let seconds = 0;
    let nanos = 0;
    forEachField(v, (df, dv) => {
      if (df === 1 && typeof dv === 'number') seconds = dv;
      else if (df === 2 && typeof dv === 'number') nanos = dv;
    });
    ms = seconds * 1000 + Math.floor(nanos / 1e6);
  });
  return ms;
}

/** Calls `fn` for each field: varints as numbers, length-delimited fields as bytes. */
function forEachField(buf: Uint8Array, fn: (field: number, value: number | Uint8Array) => void): void {
  let pos = 0;
  const varint = (): number => {
    let result = 0;
    let mul = 1;
    for (;;) {
      if (pos >= buf.length) throw new Error('truncated');
      const b = buf[pos++];
      result += (b & 0x7f) * mul;
      if (b < 0x80) return result;
      mul *= 128;
    }
  };
  while (pos < buf.length) {
    const tag = varint();
    const field = Math.floor(tag / 8);
    switch (tag & 7) {
      case 0: fn(field, varint()); break;
      case 1: pos += 8; break;
      case 2: {
        const len = varint();
        if (pos + len > buf.length) throw new Error('truncated');
        fn(field, buf.subarray(pos, pos + len));
        pos += len;
        break;
      }
      case 5: pos += 4; break;
      default: throw new Error('bad wire type');
    }
  }
}
