/**
 * A compact prefix index over an ordered list of documents (people or groups), the core of
 * directory search. Each document has words in three classes, best first: its name, its email
 * addresses, anything else. The build sorts every distinct word into one dictionary, so the words
 * starting with a prefix are one contiguous range of token ids, found by binary search.
 *
 * Stored form (built by sync): the dictionary and, per document, its token ids with their field
 * (`entries`, ids ascending). A field is a class (what ranks) and a detail within it (which field of
 * the class: what "why it matched" names), packed as `class * 8 + detail` in the low 5 bits. Loaded form adds the inverted lists (`postings`), derived in one
 * linear pass with typed arrays, so they cost no storage.
 *
 * Query: every word must match some token of the document by prefix. The word whose prefix range
 * has the fewest postings drives (its postings give the candidates); the other words are checked
 * per candidate against its own entries (a range test on ids). Documents are stored in ranking
 * order (by name), so results come out already ordered within each tier without sorting.
 */
export const NAME = 0;
export const EMAIL = 1;
export const OTHER = 2;
export type WordClass = typeof NAME | typeof EMAIL | typeof OTHER;

/** A field: its class and a detail (0–7) naming which field of the class it is; a lower code is a better match. */
export const field = (cls: WordClass, detail = 0): number => cls * 8 + detail;
const FIELD_BITS = 5;
const FIELD_MASK = 31;
const classOf = (code: number) => (code & FIELD_MASK) >>> 3;

export interface StoredTokenIndex {
  /** Every distinct word, sorted by UTF-16 code units. */
  readonly tokens: readonly string[];
  /** Document d's entries are `entries[entryOffsets[d]] … entries[entryOffsets[d + 1] - 1]`. */
  readonly entryOffsets: Uint32Array;
  /** `tokenId * 32 + field`, one per distinct token of a document (its best field), ids ascending. */
  readonly entries: Uint32Array;
}

export interface TokenIndex extends StoredTokenIndex {
  readonly size: number;
  /** Token t's postings are `postings[postingOffsets[t]] … postings[postingOffsets[t + 1] - 1]`: `document * 32 + field`. */
  readonly postingOffsets: Uint32Array;
  readonly postings: Uint32Array;
}

/** Words of a document, by field (see `field`). */
export type DocumentWords = ReadonlyArray<readonly [number, readonly string[]]>;

export function buildTokenIndex(documents: readonly DocumentWords[]): StoredTokenIndex {
  const perDocument = documents.map((fields) => {
    const best = new Map<string, number>();
    for (const [code, words] of fields) for (const word of words) if ((best.get(word) ?? FIELD_MASK + 1) > code) best.set(word, code);
    return best;
  });
  const tokens = [...new Set(perDocument.flatMap((m) => [...m.keys()]))].sort(compareCodeUnits);
  const ids = new Map(tokens.map((t, i) => [t, i]));
  const entryOffsets = new Uint32Array(documents.length + 1);
  const entries: number[] = [];
  perDocument.forEach((best, d) => {
    const own = [...best].map(([word, code]) => ids.get(word)! * 32 + code).sort((a, b) => a - b);
    entries.push(...own);
    entryOffsets[d + 1] = entries.length;
  });
  return { tokens, entryOffsets, entries: Uint32Array.from(entries) };
}

/** The inverted lists, from the stored form: counting sort by token, documents ascending within each. */
export function loadTokenIndex(stored: StoredTokenIndex): TokenIndex {
  const { tokens, entryOffsets, entries } = stored;
  const size = entryOffsets.length - 1;
  const postingOffsets = new Uint32Array(tokens.length + 1);
  for (let i = 0; i < entries.length; i++) postingOffsets[(entries[i]! >>> FIELD_BITS) + 1]! += 1;
  for (let t = 0; t < tokens.length; t++) postingOffsets[t + 1]! += postingOffsets[t]!;
  const fill = postingOffsets.slice(0, tokens.length);
  const postings = new Uint32Array(entries.length);
  for (let d = 0; d < size; d++) {
    for (let i = entryOffsets[d]!; i < entryOffsets[d + 1]!; i++) {
      const entry = entries[i]!;
      const token = entry >>> FIELD_BITS;
      postings[fill[token]!++] = d * 32 + (entry & FIELD_MASK);
    }
  }
  return { ...stored, size, postingOffsets, postings };
}

/** Ranking tiers, best first. */
export const TIER_EXACT_NAME = 0;
export const TIER_NAME = 1;
export const TIER_EMAIL = 2;
export const TIER_OTHER = 3;

export interface MatchOptions {
  /** True when the query is the document's whole name (tier 0). */
  readonly isExactName?: (document: number) => boolean;
}

/**
 * Documents matching every word by prefix, best tier first, document order within a tier.
 * A document's tier is set by its weakest word: all words in the name → name prefix; all in
 * name or email → email; otherwise other fields.
 */
export function matchAll(index: TokenIndex, queryWords: readonly string[], options: MatchOptions = {}): number[] {
  if (queryWords.length === 0 || index.size === 0) return [];
  const ranges = queryWords.map((word) => prefixRange(index.tokens, word));
  if (ranges.some(([lo, hi]) => lo === hi)) return [];
  const cost = ([lo, hi]: readonly [number, number]) => index.postingOffsets[hi]! - index.postingOffsets[lo]!;
  const driver = ranges.reduce((best, range) => (cost(range) < cost(best) ? range : best));
  const others = ranges.filter((range) => range !== driver);

  // Candidates from the driver's postings, each with its best class (+1, so 0 means "not seen").
  const seen = new Uint8Array(index.size);
  const candidates: number[] = [];
  for (let p = index.postingOffsets[driver[0]]!; p < index.postingOffsets[driver[1]]!; p++) {
    const posting = index.postings[p]!;
    const document = posting >>> FIELD_BITS;
    const cls = classOf(posting) + 1;
    if (seen[document] === 0) candidates.push(document);
    if (seen[document] === 0 || cls < seen[document]!) seen[document] = cls;
  }
  const ordered = Uint32Array.from(candidates).sort();

  const tiers: number[][] = [[], [], [], []];
  for (const document of ordered) {
    let weakest = seen[document]! - 1;
    for (const [lo, hi] of others) {
      const cls = bestClassInRange(index, document, lo, hi);
      if (cls === undefined) {
        weakest = -1;
        break;
      }
      if (cls > weakest) weakest = cls;
    }
    if (weakest < 0) continue;
    // A query equal to the whole name matches it in the name only: the exact test runs for name-tier documents alone.
    const tier =
      weakest === NAME ? (options.isExactName?.(document) ? TIER_EXACT_NAME : TIER_NAME) : weakest === EMAIL ? TIER_EMAIL : TIER_OTHER;
    tiers[tier]!.push(document);
  }
  return tiers.flat();
}

function bestClassInRange(index: TokenIndex, document: number, lo: number, hi: number): number | undefined {
  const best = bestFieldInRange(index, document, lo, hi);
  return best && classOf(best.field);
}

/** The document's best field among the tokens `[lo, hi)`, and the token it matched there. */
function bestFieldInRange(index: StoredTokenIndex, document: number, lo: number, hi: number): { field: number; token: number } | undefined {
  let best: { field: number; token: number } | undefined;
  for (let i = index.entryOffsets[document]!; i < index.entryOffsets[document + 1]!; i++) {
    const token = index.entries[i]! >>> FIELD_BITS;
    if (token < lo) continue;
    if (token >= hi) break;
    const code = index.entries[i]! & FIELD_MASK;
    if (best === undefined || code < best.field) best = { field: code, token };
  }
  return best;
}

/**
 * Why a matching document matched: for the query word matched in the weakest field (the one that
 * set its tier), that field and the dictionary word it matched. Undefined when it does not match.
 */
export function weakestMatch(
  index: StoredTokenIndex,
  document: number,
  queryWords: readonly string[],
): { field: number; word: string } | undefined {
  let weakest: { field: number; token: number } | undefined;
  for (const word of queryWords) {
    const [lo, hi] = prefixRange(index.tokens, word);
    const best = bestFieldInRange(index, document, lo, hi);
    if (!best) return undefined;
    if (!weakest || best.field > weakest.field) weakest = best;
  }
  return weakest && { field: weakest.field, word: index.tokens[weakest.token]! };
}

/** Token ids `[lo, hi)` of the tokens starting with `prefix`. */
export function prefixRange(tokens: readonly string[], prefix: string): [number, number] {
  return [lowerBound(tokens, prefix), lowerBound(tokens, `${prefix}\uffff`)];
}

function lowerBound(tokens: readonly string[], value: string): number {
  let lo = 0;
  let hi = tokens.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (tokens[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * A document of a patched index: a base document's entries (less those of one field, when that
 * field's words are given again), a new document's words, or both.
 */
export interface PatchedDocument {
  readonly base?: number;
  /** A field whose base entries are dropped (its words come again in `words`). */
  readonly dropField?: number;
  readonly words?: DocumentWords;
}

/**
 * The stored form of an index made of base documents and new ones, without re-reading the base's
 * words: the new words join the base dictionary (a merge of two sorted lists), and a base
 * document's token ids are shifted by a monotone map, so its entries stay in order. Linear in the
 * base's entries plus the new words.
 */
export function patchTokenIndex(base: StoredTokenIndex, documents: readonly PatchedDocument[]): StoredTokenIndex {
  const added = new Set<string>();
  for (const d of documents) for (const [, list] of d.words ?? []) for (const w of list) added.add(w);
  const extra = [...added].filter((w) => base.tokens[lowerBound(base.tokens, w)] !== w).sort(compareCodeUnits);
  const tokens: string[] = [];
  const remap = new Uint32Array(base.tokens.length);
  for (let i = 0, j = 0; i < base.tokens.length || j < extra.length;) {
    if (j >= extra.length || (i < base.tokens.length && base.tokens[i]! < extra[j]!)) {
      remap[i] = tokens.length;
      tokens.push(base.tokens[i]!);
      i += 1;
    } else tokens.push(extra[j++]!);
  }
  const entryOffsets = new Uint32Array(documents.length + 1);
  const entries: number[] = [];
  documents.forEach((d, n) => {
    const own: number[] = [];
    if (d.base !== undefined)
      for (let i = base.entryOffsets[d.base]!; i < base.entryOffsets[d.base + 1]!; i++) {
        const entry = base.entries[i]!;
        if ((entry & FIELD_MASK) !== d.dropField) own.push(remap[entry >>> FIELD_BITS]! * 32 + (entry & FIELD_MASK));
      }
    if (d.words) {
      const best = new Map<number, number>(own.map((e) => [e >>> FIELD_BITS, e & FIELD_MASK]));
      for (const [code, list] of d.words)
        for (const w of list) {
          const id = lowerBound(tokens, w);
          if ((best.get(id) ?? FIELD_MASK + 1) > code) best.set(id, code);
        }
      own.length = 0;
      for (const [id, code] of best) own.push(id * 32 + code);
      own.sort((a, b) => a - b);
    }
    for (const e of own) entries.push(e);
    entryOffsets[n + 1] = entries.length;
  });
  return { tokens, entryOffsets, entries: Uint32Array.from(entries) };
}
