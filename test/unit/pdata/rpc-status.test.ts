// google.rpc.Status: what the receivers answer and the exporters read is one codec; checked
// against hand-made bytes (from status.proto's field numbers) and a round trip.
import { describe, expect, it } from 'vitest';
import { decodeRpcStatus, encodeRetryInfo, encodeRpcStatus, encodeRpcStatusJson, GrpcCode, grpcCodeName, RETRY_INFO_TYPE } from '../../../src/pdata/rpc-status.ts';

const utf8 = (s: string) => [...Buffer.from(s, 'utf8')];
const len = (field: number, body: number[]) => [(field << 3) | 2, body.length, ...body];

describe('google.rpc.Status', () => {
  it('writes code, message and a RetryInfo detail as status.proto says', () => {
    const retryInfo = len(1, [0x08, 2, 0x10, 0x80, 0xe1, 0xeb, 0x17]); // retry_delay { seconds: 2, nanos: 50_000_000 }
    expect([...encodeRetryInfo(2050)]).toEqual(retryInfo);
    const expected = [0x08, 8, ...len(2, utf8('queue full')), ...len(3, [...len(1, utf8(RETRY_INFO_TYPE)), ...len(2, retryInfo)])];
    expect([...encodeRpcStatus(GrpcCode.RESOURCE_EXHAUSTED, 'queue full', 2050)]).toEqual(expected);
    expect([...encodeRpcStatus(GrpcCode.OK, '')]).toEqual([]);
  });

  it('reads back what it writes, and what other servers send (unknown details skipped)', () => {
    expect(decodeRpcStatus(encodeRpcStatus(14, 'down for maintenance', 1500))).toEqual({ code: 14, message: 'down for maintenance', retryDelayMs: 1500 });
    expect(decodeRpcStatus(encodeRpcStatus(3, 'bad'))).toEqual({ code: 3, message: 'bad', retryDelayMs: undefined });
    const otherDetail = len(3, [...len(1, utf8('type.googleapis.com/google.rpc.BadRequest')), ...len(2, [1, 2, 3])]);
    const bytes = Uint8Array.from([0x08, 3, ...otherDetail, ...len(2, utf8('x')), 0x38, 1]);
    expect(decodeRpcStatus(bytes)).toEqual({ code: 3, message: 'x', retryDelayMs: undefined });
  });

  it('is undefined for bytes that are not a Status', () => {
    expect(decodeRpcStatus(Uint8Array.from([0x12, 50, 1]))).toBeUndefined();
    expect(decodeRpcStatus(Uint8Array.from([0x0f]))).toBeUndefined();
  });

  it('has a JSON form with the retry delay as a Duration string', () => {
    expect(JSON.parse(encodeRpcStatusJson(8, 'full', 1500))).toEqual({ code: 8, message: 'full', details: [{ '@type': RETRY_INFO_TYPE, retryDelay: '1.5s' }] });
    expect(JSON.parse(encodeRpcStatusJson(3, 'bad'))).toEqual({ code: 3, message: 'bad' });
  });

  it('names the codes', () => {
    expect(grpcCodeName(GrpcCode.UNAVAILABLE)).toBe('UNAVAILABLE');
    expect(grpcCodeName(99)).toBe('code 99');
  });
});
