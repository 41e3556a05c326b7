import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { GrpcCode } from '../../../src/pdata/rpc-status.ts';
import { decodeGrpcMessage, decompressMessage, encodeGrpcMessage, formatTimeout, GrpcError, isGrpcContentType, messagePrefix, parseTimeout, UnaryMessageReader } from '../../../src/net/grpc-wire.ts';

function framed(body: Buffer, compressed = false): Buffer {
  return Buffer.concat([messagePrefix(body.length, compressed), body]);
}

describe('gRPC wire format', () => {
  it('reassembles a message split across DATA frames at any byte', () => {
    const body = Buffer.from('0123456789abcdef');
    const wire = framed(body);
    for (let cut = 1; cut < wire.length; cut++) {
      const r = new UnaryMessageReader(1024);
      r.push(wire.subarray(0, cut));
      r.push(wire.subarray(cut));
      const m = r.finish();
      expect(m.compressed).toBe(false);
      expect(m.message.equals(body)).toBe(true);
    }
  });

  it('refuses a declared length over the limit before the body arrives', () => {
    const r = new UnaryMessageReader(10);
    const err = (() => {
      try {
        r.push(messagePrefix(11, false));
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(GrpcError);
    expect((err as GrpcError).code).toBe(GrpcCode.RESOURCE_EXHAUSTED);
  });

  it('refuses truncated, empty and doubled messages', () => {
    const trunc = new UnaryMessageReader(100);
    trunc.push(framed(Buffer.from('abcdef')).subarray(0, 8));
    expect(() => trunc.finish()).toThrow(/truncated/);
    expect(() => new UnaryMessageReader(100).finish()).toThrow(/no message/);
    const two = new UnaryMessageReader(100);
    two.push(framed(Buffer.from('ab')));
    expect(() => two.push(framed(Buffer.from('cd')))).toThrow(/more than one message/);
  });

  it('decompresses within a bound and refuses a bomb', async () => {
    const small = Buffer.from('x'.repeat(100));
    expect((await decompressMessage('gzip', gzipSync(small), 1000)).equals(small)).toBe(true);
    const bomb = gzipSync(Buffer.alloc(1 << 20));
    await expect(decompressMessage('gzip', bomb, 4096)).rejects.toMatchObject({ code: GrpcCode.RESOURCE_EXHAUSTED });
    await expect(decompressMessage('snappy', small, 1000)).rejects.toMatchObject({ code: GrpcCode.UNIMPLEMENTED });
    await expect(decompressMessage('gzip', small, 1000)).rejects.toMatchObject({ code: GrpcCode.INTERNAL });
  });

  it('percent-encodes grpc-message and reads it back', () => {
    for (const s of ['plain text', '100% sure', 'naïve ☃ \n tab\t', '']) {
      const e = encodeGrpcMessage(s);
      expect(e).toMatch(/^[\x20-\x7e]*$/);
      expect(decodeGrpcMessage(e)).toBe(s);
    }
  });

  it('formats and parses grpc-timeout', () => {
    expect(formatTimeout(5000)).toBe('5000m');
    expect(parseTimeout(formatTimeout(5000))).toBe(5000);
    expect(parseTimeout(formatTimeout(2e8))).toBe(2e8);
    expect(parseTimeout('2S')).toBe(2000);
    expect(parseTimeout('123456789m')).toBeUndefined();
    expect(parseTimeout('5x')).toBeUndefined();
  });

  it('recognises gRPC content types', () => {
    expect(isGrpcContentType('application/grpc')).toBe(true);
    expect(isGrpcContentType('application/grpc+proto')).toBe(true);
    expect(isGrpcContentType('application/grpc-web')).toBe(false);
    expect(isGrpcContentType('application/json')).toBe(false);
    expect(isGrpcContentType(undefined)).toBe(false);
  });
});
