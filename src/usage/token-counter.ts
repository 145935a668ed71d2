/** A BPE encoding's data as `js-tiktoken/ranks/*` ship it. */
export interface BpeRanks {
  pat_str: string;
  /** Lines of `<prefix> <first rank> <base64 token> <base64 token> ...`. */
  bpe_ranks: string;
}

/**
 * Counts the tokens of a text with a tiktoken byte-pair encoding, as `js-tiktoken`'s
 * `encode(text).length` does (the same pre-tokenizing pattern, the same merges, leftmost lowest
 * rank first), keeping only what counting needs: one map from a token's bytes to its rank.
 *
 * `js-tiktoken` also keeps every token's bytes for decoding, and keys its map by the bytes
 * joined with commas: for `o200k_base` that is some 60 MB of heap (and a heap peak twice that
 * while it is built), held by the proxy for as long as it runs, to estimate the few calls cut
 * short. Here the key is the bytes as a latin1 string, and the whole takes about a fifth of it.
 *
 * Special tokens (`<|endoftext|>`) are counted as the ordinary text they are in a prompt:
 * `js-tiktoken` refuses such a text (it throws), which must not stop a call from being recorded.
 */
export class TokenCounter {
  readonly #ranks = new Map<string, number>();
  readonly #pattern: RegExp;

  constructor(ranks: BpeRanks) {
    this.#pattern = new RegExp(ranks.pat_str, 'ug');
    for (const line of ranks.bpe_ranks.split('\n')) {
      if (line === '') continue;
      const [, first, ...tokens] = line.split(' ');
      const offset = Number.parseInt(first!, 10);
      for (let i = 0; i < tokens.length; i += 1) this.#ranks.set(Buffer.from(tokens[i]!, 'base64').toString('latin1'), offset + i);
    }
  }

  /** The number of tokens `text` encodes to. */
  count(text: string): number {
    let count = 0;
    for (const match of text.matchAll(this.#pattern)) {
      // The piece's UTF-8 bytes, one character per byte (a lone surrogate becomes U+FFFD, as with TextEncoder).
      const piece = Buffer.from(match[0], 'utf8').toString('latin1');
      count += this.#ranks.has(piece) || piece.length === 1 ? 1 : this.#mergedParts(piece);
    }
    return count;
  }

  /** Merges the piece's bytes pair by pair, lowest rank first, and counts the parts that are tokens. */
  #mergedParts(piece: string): number {
    // Part i spans [bounds[i], bounds[i + 1]).
    const bounds = Array.from({ length: piece.length + 1 }, (_, i) => i);
    while (bounds.length > 2) {
      let lowest = -1;
      let at = -1;
      for (let i = 0; i < bounds.length - 2; i += 1) {
        const rank = this.#ranks.get(piece.slice(bounds[i], bounds[i + 2]));
        if (rank !== undefined && (at === -1 || rank < lowest)) {
          lowest = rank;
          at = i;
        }
      }
      if (at === -1) break;
      bounds.splice(at + 1, 1);
    }
    let parts = 0;
    for (let i = 0; i < bounds.length - 1; i += 1) if (this.#ranks.has(piece.slice(bounds[i], bounds[i + 1]))) parts += 1;
    return parts;
  }
}
