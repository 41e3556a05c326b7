// How `run` reports a fatal start failure: an operator's mistake (a port in use, a file that
// cannot be written) is one line saying what and where; a defect keeps its stack.

/** System error codes that mean the machine or the configuration, not the daemon, is wrong. */
const OPERATOR_CODES = new Set(['EADDRINUSE', 'EADDRNOTAVAIL', 'EACCES', 'EPERM', 'ENOENT', 'ENOTDIR', 'EISDIR', 'EEXIST', 'EROFS', 'ENOSPC', 'EDQUOT', 'EMFILE', 'ENFILE', 'ETIMEDOUT']);
const CODE_RE = /\b(E[A-Z]{3,})\b/g;

/** True when the error, or any error in its `cause` chain, is one of OPERATOR_CODES. */
export function isOperatorError(err: unknown): boolean {
  for (let e = err, depth = 0; e !== undefined && e !== null && depth < 10; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as NodeJS.ErrnoException).code;
    if (typeof code === 'string' && OPERATOR_CODES.has(code)) return true;
    for (const m of String((e as Error).message ?? '').matchAll(CODE_RE)) if (OPERATOR_CODES.has(m[1])) return true;
  }
  return false;
}

/** The log fields of a fatal error: the stack only for a defect. */
export function fatalFields(err: unknown): Record<string, unknown> {
  return isOperatorError(err) ? { operator_error: true } : { err };
}
