/**
 * Text folding for directory search: what makes "jose" find "José" and "lukasz" find "Łukasz".
 * NFD splits accented letters into letter + combining mark and the marks are dropped; letters that
 * NFD does not decompose (ł, ø, ß, ı, æ, …) are folded by hand; then lower case. Words are runs of
 * letters and digits: punctuation, @ and dots separate words, so an email address is several words.
 */
const FOLDS: Readonly<Record<string, string>> = {
  ł: 'l',
  ø: 'o',
  ß: 'ss',
  ı: 'i',
  đ: 'd',
  ð: 'd',
  æ: 'ae',
  œ: 'oe',
  þ: 'th',
  ħ: 'h',
  ŀ: 'l',
};
const COMBINING_MARKS = /\p{M}+/gu;
const UNFOLDED = /[łøßıđðæœþħŀ]/g;
const WORD = /[\p{L}\p{N}]+/gu;

export function fold(text: string): string {
  return text
    .normalize('NFD')
    .replace(COMBINING_MARKS, '')
    .toLowerCase()
    .replace(UNFOLDED, (c) => FOLDS[c] ?? c);
}

/** The folded words of a text, in order, duplicates kept. */
export function words(text: string): string[] {
  return fold(text).match(WORD) ?? [];
}

/**
 * The folded words of each text, in one fold for all of them (folding is most of an index build's
 * cost): the texts are joined by a line break, which folding keeps, and split again.
 */
export function wordsOfEach(texts: readonly string[]): string[][] {
  return fold(texts.map((t) => t.replaceAll('\n', ' ')).join('\n'))
    .split('\n')
    .map((part) => part.match(WORD) ?? []);
}
