import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync, strToU8 } from 'fflate';
import { describe, expect, it } from 'vitest';
import { goldensDir } from '../testing/shared';
import { ClipTokenizer } from './clip-tokenizer';
import { MERGE_COUNT, MergesFileError, parseMerges, parseMergesText } from './merges';

const mergesGz = () => new Uint8Array(readFileSync(join(goldensDir, 'bpe_simple_vocab_16e6.txt.gz')));

describe('parseMerges', () => {
  it('reads the 48,894 merges the official code uses', () => {
    const merges = parseMerges(mergesGz());
    expect(MERGE_COUNT).toBe(48_894);
    expect(merges.length).toBe(MERGE_COUNT);
    expect(merges[0]).toEqual(['i', 'n']);
    expect(merges[1]).toEqual(['t', 'h']);
    expect(merges[MERGE_COUNT - 1]).toEqual(['jeky', 'll</w>']);
  });

  it('rejects bytes that are not gzip', () => {
    expect(() => parseMerges(new Uint8Array(0))).toThrow(MergesFileError);
    expect(() => parseMerges(strToU8('"bpe_simple_vocab_16e6.txt#version: 0.2\ni n\n'))).toThrow(/not gzip/);
  });

  it('rejects a damaged gzip', () => {
    const bytes = mergesGz().slice(0, 5000);
    expect(() => parseMerges(bytes)).toThrow(MergesFileError);
  });

  it('rejects a gzip that is not a CLIP merges file', () => {
    expect(() => parseMerges(gzipSync(strToU8('hello world\n')))).toThrow(/#version/);
    expect(() => parseMerges(gzipSync(strToU8('#version: 0.2\ni n\nt h\n')))).toThrow(/needs 48894/);
    expect(() => parseMerges(gzipSync(new Uint8Array([0x23, 0xff, 0xfe, 0x0a])))).toThrow(/UTF-8/);
    const lines = ['#version: 0.2', ...Array.from({ length: MERGE_COUNT }, () => 'a b')];
    lines[10] = 'a b c';
    expect(() => parseMergesText(lines.join('\n'))).toThrow(/line 11 should hold two tokens/);
  });

  it('names the problem through ClipTokenizer.fromGzip too', () => {
    expect(() => ClipTokenizer.fromGzip(strToU8('not a merges file at all'))).toThrow(MergesFileError);
  });
});
