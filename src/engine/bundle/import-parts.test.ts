import { describe, expect, it } from 'vitest';
import { addImportPick } from './import-parts';

const f = (name: string) => ({ name });
const names = (files: { name: string }[]) => files.map((x) => x.name);

describe('addImportPick', () => {
  it('pairs a checkpoint and its merges file picked together or one after the other, in either order', () => {
    expect(addImportPick([], [f('longclip-B.pt'), f('bpe_simple_vocab_16e6.txt.gz')])).toMatchObject({ kind: 'ready' });
    const first = addImportPick([], [f('longclip-B.pt')]);
    expect(first).toMatchObject({ kind: 'waiting', need: 'now choose its merges file (bpe_simple_vocab_16e6.txt.gz)' });
    const both = addImportPick(first.files, [f('bpe_simple_vocab_16e6.txt.gz')]);
    expect(both.kind).toBe('ready');
    expect(names(both.files)).toEqual(['longclip-B.pt', 'bpe_simple_vocab_16e6.txt.gz']);
    const merges = addImportPick([], [f('bpe_simple_vocab_16e6.txt.gz')]);
    expect(merges).toMatchObject({ kind: 'waiting', need: 'now choose the checkpoint (.pt or .safetensors)' });
    expect(addImportPick(merges.files, [f('model.safetensors')]).kind).toBe('ready');
  });

  it('a second checkpoint replaces the first', () => {
    const first = addImportPick([], [f('a.pt')]);
    const second = addImportPick(first.files, [f('b.pt')]);
    expect(second).toMatchObject({ kind: 'waiting' });
    expect(names(second.files)).toEqual(['b.pt']);
    expect(names(addImportPick(second.files, [f('bpe_simple_vocab_16e6.txt.gz')]).files)).toEqual(['b.pt', 'bpe_simple_vocab_16e6.txt.gz']);
  });

  it('passes a bundle on whole (its manifest names the rest), and says when nothing fits', () => {
    expect(addImportPick([], [f('manifest.json'), f('text.onnx')])).toMatchObject({ kind: 'ready' });
    expect(addImportPick([], [f('holiday.jpg')])).toMatchObject({ kind: 'unusable' });
  });
});
