// Name normalisation shared by scope-name matching (src/match) and the redaction processor's
// sensitive keys: what a person reads as the same name compares equal. NFKC maps fullwidth
// and other compatibility forms, invisible characters go, Cyrillic and Greek homoglyphs of
// Latin letters are folded.

/** Zero-width and invisible format characters (removed before names are compared). */
export function isInvisible(c: number): boolean {
  return c === 0x00ad || (c >= 0x200b && c <= 0x200f) || (c >= 0x202a && c <= 0x202e) || (c >= 0x2060 && c <= 0x2064) || c === 0xfeff || c === 0x180e;
}

/**
 * Letters from other scripts that look like Latin ones (Cyrillic and Greek homoglyphs), mapped
 * to the Latin letter a reader sees: `genrf.sеcurity` with a Cyrillic `е` reads as `security`.
 */
const CONFUSABLES: Record<string, string> = {
  а: 'a',
  в: 'b',
  е: 'e',
  ё: 'e',
  к: 'k',
  м: 'm',
  н: 'h',
  о: 'o',
  р: 'p',
  с: 'c',
  т: 't',
  у: 'y',
  х: 'x',
  і: 'i',
  ї: 'i',
  ј: 'j',
  ѕ: 's',
  ԁ: 'd',
  ԛ: 'q',
  ԝ: 'w',
  А: 'A',
  В: 'B',
  Е: 'E',
  К: 'K',
  М: 'M',
  Н: 'H',
  О: 'O',
  Р: 'P',
  С: 'C',
  Т: 'T',
  Х: 'X',
  І: 'I',
  Ј: 'J',
  Ѕ: 'S',
  α: 'a',
  ο: 'o',
  ρ: 'p',
  ν: 'v',
  τ: 't',
  υ: 'u',
  ι: 'i',
  κ: 'k',
  Α: 'A',
  Β: 'B',
  Ε: 'E',
  Ζ: 'Z',
  Η: 'H',
  Ι: 'I',
  Κ: 'K',
  Μ: 'M',
  Ν: 'N',
  Ο: 'O',
  Ρ: 'P',
  Τ: 'T',
  Υ: 'Y',
  Χ: 'X',
};

export function foldConfusables(s: string): string {
  let out = '';
  for (const ch of s) out += CONFUSABLES[ch] ?? ch;
  return out;
}

/**
 * A name as classification compares it: NFKC, invisible characters removed, homoglyphs
 * folded, lower case, trimmed, and the separators `. / : _` (and their fullwidth forms,
 * which NFKC maps) all read as `.`. Runs of separators collapse into one.
 */
export function normaliseName(name: string): string {
  let ascii = true;
  for (let i = 0; i < name.length; i++) {
    if (name.charCodeAt(i) >= 128) {
      ascii = false;
      break;
    }
  }
  let s = ascii ? name : foldConfusables(name.normalize('NFKC'));
  let out = '';
  let sep = false;
  s = s.trim();
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (!ascii && isInvisible(c)) continue;
    if (c === 46 || c === 47 || c === 58 || c === 95 || c === 0x3002) {
      sep = true;
      continue;
    }
    if (sep && out.length > 0) out += '.';
    sep = false;
    out += isUpper(c) ? String.fromCharCode(c + 32) : s[i].toLowerCase();
  }
  if (sep) out += '.';
  return out;
}

function isUpper(c: number): boolean {
  return c >= 65 && c <= 90;
}
