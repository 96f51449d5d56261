/**
 * Word scanning shared by search ranking and keyword rules: a word is a run of letters and digits
 * (`[\p{L}\p{N}]`), the way FTS5's unicode61 tokenizer and the rules see it. Hot loops call `wordCharAt`
 * per character: ASCII is decided without a regex, which is what makes a long message cheap to scan.
 */

const WORD_CHAR = /[\p{L}\p{N}]/u;

/** How many UTF-16 units the letter or digit at `i` takes (1, or 2 for a surrogate pair); 0 if none is there. */
export function wordCharAt(s: string, i: number): number {
  const c = s.charCodeAt(i);
  if (c < 128) return (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || (c >= 65 && c <= 90) ? 1 : 0;
  if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) return WORD_CHAR.test(s.slice(i, i + 2)) ? 2 : 0;
  return WORD_CHAR.test(s[i]!) ? 1 : 0;
}
