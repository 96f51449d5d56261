/**
 * Message text as keyword rules see it: folded once per message (lower case, accents off, so "Preço"
 * matches "preco") and split into words. Every inbound message passes through here when keyword rules
 * exist, so the hot loops avoid Unicode-property regexes over the whole text (they cost ~5× more).
 */

import { wordCharAt } from '../lib/words.js';

const NON_ASCII = /[^\x00-\x7f]/;
const NON_ASCII_RUN = /[^\x00-\x7f]+/g;

const MARKS = /\p{M}+/gu;

// Folded short runs of non-ASCII text ("á", " — ", "☕ "): a chat repeats the same few, so each is folded
// once. Only short ones: a key under 13 characters is a copy (a longer slice would keep its whole message
// alive), and a long run (a text in Chinese) is rarely seen twice.
const foldedRuns = new Map<string, string>();
const FOLDED_RUNS_KEPT = 5_000;
const CACHED_RUN = 12;

/** A run of non-ASCII characters in NFKD with its combining marks dropped. */
const decompose = (run: string) => run.normalize('NFKD').replace(MARKS, '');

function foldRun(run: string): string {
  if (run.length > CACHED_RUN) return decompose(run);
  let folded = foldedRuns.get(run);
  if (folded !== undefined) return folded;
  folded = decompose(run);
  if (foldedRuns.size >= FOLDED_RUNS_KEPT) foldedRuns.clear();
  foldedRuns.set(run, folded);
  return folded;
}

/**
 * Lower case without accents (NFKD, combining marks dropped). Only the non-ASCII runs are decomposed —
 * ASCII is its own NFKD, and marks are dropped whatever order NFKD would put them in — so a long, mostly
 * ASCII message is not normalised whole (2–3× faster).
 */
export function fold(s: string): string {
  return (NON_ASCII.test(s) ? s.replace(NON_ASCII_RUN, foldRun) : s).toLowerCase();
}

/** The words (runs of letters and digits) of a folded text, in order. */
export function splitWords(s: string): string[] {
  const words: string[] = [];
  let start = -1;
  for (let i = 0; i < s.length; i++) {
    const width = wordCharAt(s, i);
    if (width) {
      if (start < 0) start = i;
      i += width - 1;
    } else if (start >= 0) {
      words.push(s.slice(start, i));
      start = -1;
    }
  }
  if (start >= 0) words.push(s.slice(start));
  return words;
}

/** Splits a keyword or phrase the way message text is split. */
export const keywordWords = (k: string) => splitWords(fold(k));

/** The (folded) words rules look for, by a hash of their UTF-16 units: see `wordsIn`. */
export type Vocabulary = Map<number, string[]>;

const hashStep = (h: number, unit: number) => (Math.imul(h, 31) + unit) | 0;

/** The vocabulary of these (folded) words, for `wordsIn`. */
export function vocabularyOf(words: Iterable<string>): Vocabulary {
  const byHash: Vocabulary = new Map();
  for (const w of words) {
    let h = 0;
    for (let i = 0; i < w.length; i++) h = hashStep(h, w.charCodeAt(i));
    const same = byHash.get(h) ?? [];
    if (!same.includes(w)) byHash.set(h, [...same, w]);
  }
  return byHash;
}

/**
 * The words of a folded text that are in the vocabulary. Each word is hashed as it is scanned and only one
 * whose hash is known is cut out and compared: a long message of words no rule looks for costs no string
 * per word (2.5× faster than splitting it).
 */
export function wordsIn(s: string, vocabulary: Vocabulary): Set<string> {
  const found = new Set<string>();
  let start = -1;
  let h = 0;
  for (let i = 0; i <= s.length; i++) {
    const width = i < s.length ? wordCharAt(s, i) : 0;
    if (width) {
      if (start < 0) (start = i), (h = 0);
      h = hashStep(h, s.charCodeAt(i));
      if (width === 2) h = hashStep(h, s.charCodeAt(++i));
    } else if (start >= 0) {
      const same = vocabulary.get(h);
      if (same !== undefined) {
        const word = s.slice(start, i);
        if (same.includes(word)) found.add(word);
      }
      start = -1;
    }
  }
  return found;
}

/** A message's text prepared once for all the rules that look at it. */
export interface TextView {
  text: string;
  folded: string;
  /** Its distinct words — only those in the vocabulary, when one is given. */
  words: Set<string>;
}

export function textView(data: Record<string, unknown>, vocabulary?: Vocabulary): TextView | null {
  const text = typeof data.text === 'string' ? data.text : '';
  if (!text) return null;
  const folded = fold(text);
  return { text, folded, words: vocabulary ? wordsIn(folded, vocabulary) : new Set(splitWords(folded)) };
}

/**
 * The longest piece of plain ASCII text every match of a case-insensitive regex must contain, lower-cased
 * (null when none can be told, e.g. an alternation at the top level). A message whose folded text lacks it
 * cannot match, so the regex is not run: an `iu` regex scan of a long text costs ~25 µs, `includes` ~1 µs.
 * Only ASCII counts: under `iu` an ASCII letter matches itself, its other case, and K (Kelvin) or ſ, which
 * fold to ASCII too — so the check never rejects a text the regex would match.
 */
export function requiredLiteral(source: string): string | null {
  let best = '';
  let run = '';
  const flush = () => {
    if (run.length > best.length) best = run;
    run = '';
  };
  for (let i = 0; i < source.length; i++) {
    const ch = source[i]!;
    if (ch === '|') return null;
    if (ch === '[' || ch === '(') {
      i = skipGroup(source, i);
      flush();
      continue;
    }
    if (ch === '*' || ch === '?' || ch === '+' || (ch === '{' && /^\{\d+(,\d*)?\}/.test(source.slice(i)))) {
      // The atom before may be absent (*, ?, {0…}): it is not required; either way the run ends here.
      const min = ch === '{' ? Number(/^\{(\d+)/.exec(source.slice(i))![1]) : ch === '+' ? 1 : 0;
      if (min === 0) run = run.slice(0, -1);
      flush();
      if (ch === '{') i = source.indexOf('}', i);
      if (source[i + 1] === '?') i++; // lazy
      continue;
    }
    let literal: string | null = null;
    if (ch === '\\') {
      const next = source[i + 1] ?? '';
      i++;
      if (/^[!-/:-@[-`{-~]$/.test(next)) literal = next; // an escaped ASCII punctuation mark is itself
      else if ((next === 'p' || next === 'P' || next === 'u' || next === 'k') && /[{<]/.test(source[i + 1] ?? '')) i = source.indexOf(next === 'k' ? '>' : '}', i);
      else if (next === 'x') i += 2;
      else if (next === 'u') i += 4;
      else if (next === 'c') i += 1;
    } else if (ch !== '.' && ch !== '^' && ch !== '$' && ch.charCodeAt(0) < 128) literal = ch;
    if (literal === null) flush();
    else run += literal.toLowerCase();
  }
  flush();
  return best.length >= 2 ? best : null;
}

/**
 * The words a required literal holds whole (letters and digits with a separator on both sides within it:
 * "pedido 40:" → ["40"]). A folded text that contains the literal has each among its words, so a set
 * lookup turns most texts away before the literal is searched for in the whole text.
 */
export function wholeWordsOf(literal: string): string[] {
  return literal.split(/[^a-z0-9]+/).slice(1, -1).filter(Boolean);
}

/** The index of the bracket closing the class or group opened at `start`. */
function skipGroup(source: string, start: number): number {
  let depth = 0;
  let inClass = false;
  for (let i = start; i < source.length; i++) {
    const ch = source[i];
    if (ch === '\\') i++;
    else if (inClass) inClass = ch !== ']';
    else if (ch === '[') {
      inClass = true;
      if (depth === 0) depth = -1; // a class at the top: it ends at its `]`
    } else if (ch === '(') depth++;
    else if (ch === ')' && --depth === 0) return i;
    if (depth === -1 && !inClass) return i;
  }
  return source.length;
}
