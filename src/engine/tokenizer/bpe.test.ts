import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { goldensDir } from '../testing/shared';
import { BpeModel } from './bpe';
import { BYTE_TO_CHAR, utf8Bytes } from './byte-unicode';
import { parseMerges, type MergePair } from './merges';

/** The official `bpe()` loop, on strings, as an oracle for the heap version. */
function referenceBpe(token: string, ranks: Map<string, number>): string[] {
  let word = [...token.slice(0, -1), token.slice(-1) + '</w>'];
  while (word.length > 1) {
    let best: [string, string] | undefined;
    let bestRank = Infinity;
    for (let i = 0; i + 1 < word.length; i++) {
      const r = ranks.get(word[i] + ' ' + word[i + 1]);
      if (r !== undefined && r < bestRank) [bestRank, best] = [r, [word[i]!, word[i + 1]!]];
    }
    if (!best) break;
    const next: string[] = [];
    for (let i = 0; i < word.length;) {
      if (word[i] === best[0] && i + 1 < word.length && word[i + 1] === best[1]) {
        next.push(best[0] + best[1]);
        i += 2;
      } else next.push(word[i++]!);
    }
    word = next;
  }
  return word;
}

let merges: MergePair[];
let model: BpeModel;
let ranks: Map<string, number>;

beforeAll(() => {
  merges = parseMerges(new Uint8Array(readFileSync(join(goldensDir, 'bpe_simple_vocab_16e6.txt.gz'))));
  model = new BpeModel(merges);
  ranks = new Map(merges.map(([a, b], i) => [a + ' ' + b, i]));
});

function check(piece: string) {
  const bytes = utf8Bytes(piece);
  const expected = referenceBpe(bytes.map((b) => BYTE_TO_CHAR[b]).join(''), ranks);
  const got = model.encodeBytes(bytes).map((id) => model.vocab[id]);
  expect(got, JSON.stringify(piece)).toEqual(expected);
}

describe('BpeModel', () => {
  it('builds the official 49,408-token vocabulary', () => {
    expect(model.vocab.length).toBe(49_408);
    expect(model.vocab[0]).toBe('!');
    expect(model.vocab[256]).toBe('!</w>');
    expect(model.vocab[512]).toBe('in');
    expect(model.vocab[49_406]).toBe('<|startoftext|>');
    expect(model.vocab[49_407]).toBe('<|endoftext|>');
  });

  it('merges exactly like the official loop on real and random words', () => {
    for (const w of ['a', 'photo', 'harbour', 'antidisestablishmentarianism', 'aaaaaaaaaaaaaaaaaaaaa', 'ababababab', '東京タワー', '😀😀', '!!!??', 'naïve'])
      check(w);
    let seed = 12345;
    const rand = (n: number) => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) % n;
    const alphabet = 'abcdefghijklmnopqrstuvwxyzeeaaoo';
    for (let k = 0; k < 2000; k++) {
      const len = 1 + rand(24);
      let w = '';
      for (let i = 0; i < len; i++) w += k % 5 === 0 ? String.fromCodePoint(0x20 + rand(0x3000)) : alphabet[rand(alphabet.length)];
      check(w);
    }
  });
});
