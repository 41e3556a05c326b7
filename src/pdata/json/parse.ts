// JSON.parse with errors that always carry a position.
import { DecodeError } from '../errors.ts';

const decoder = new TextDecoder('utf-8');
const POSITION_RE = /position (\d+)/;
/** Messages V8 gives when the text simply stops early (the failure is at or after the end). */
const RAN_OUT_RE = /end of JSON input|Unterminated string/;

export function parseJson(text: string | Uint8Array): unknown {
  const s = typeof text === 'string' ? text : decoder.decode(text);
  try {
    return JSON.parse(s);
  } catch (e) {
    const message = (e as Error).message;
    const at = POSITION_RE.exec(message);
    const pos = at !== null ? Number(at[1]) : errorPosition(s);
    const line = lineCol(s, pos);
    throw new DecodeError(`invalid JSON at position ${pos} (line ${line}): ${message}`);
  }
}

/**
 * V8 leaves the position out of some messages ("Unexpected token 'x'"). The failure point is
 * the longest prefix that still only fails for running out; found by bisection (error path only).
 */
function errorPosition(s: string): number {
  let lo = 0;
  let hi = s.length;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (prefixRunsOut(s.slice(0, mid))) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

function prefixRunsOut(prefix: string): boolean {
  try {
    JSON.parse(prefix);
    return true;
  } catch (e) {
    const message = (e as Error).message;
    if (RAN_OUT_RE.test(message)) return true;
    const at = POSITION_RE.exec(message);
    return at !== null && Number(at[1]) >= prefix.length;
  }
}

function lineCol(s: string, pos: number): string {
  let line = 1;
  let start = 0;
  for (let i = 0; i < pos && i < s.length; i++) {
    if (s.charCodeAt(i) === 10) {
      line++;
      start = i + 1;
    }
  }
  return `${line} column ${pos - start + 1}`;
}
