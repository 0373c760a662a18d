// Where the viewer's full-size photo comes from: the File of this tab, else the remembered
// folder's handle (with or without a click for permission), else a message by how it was added.
import { describe, expect, it } from 'vitest';
import { topFolder } from '../library/folder-file';
import { fakeFolder } from '../library/testing/fake-folder';
import { addedAloneMessage, addedFolderMessage, allowFullSize, findFullSize, type FullSize, type FullSizeSources } from './full-size';

const photo = (name: string, bytes: number[]) => new File([new Uint8Array(bytes)], name, { type: 'image/png' });

function sources(over: Partial<FullSizeSources> & { folders?: Record<string, FileSystemDirectoryHandle> } = {}): FullSizeSources {
  const folders = over.folders ?? {};
  return {
    sessionFile: over.sessionFile ?? (() => null),
    rememberedFolder: async (name) => folders[name],
    canRemember: over.canRemember ?? true,
  };
}

async function bytesOf(view: FullSize): Promise<number[]> {
  if (view.kind !== 'ready') throw new Error(`expected a file, got ${JSON.stringify(view)}`);
  return [...new Uint8Array(await view.file.arrayBuffer())];
}

describe('full-size viewing', () => {
  it('names the folder a path came in with, none for a file added alone', () => {
    expect(topFolder('Trip/2019/a.png')).toBe('Trip');
    expect(topFolder('Trip/a.png')).toBe('Trip');
    expect(topFolder('a.png')).toBeNull();
  });

  it('shows the File added in this tab first, even under a remembered folder', async () => {
    const own = photo('a.png', [1]);
    const trip = fakeFolder('Trip', { 'a.png': photo('a.png', [2]) });
    const view = await findFullSize('Trip/a.png', sources({ sessionFile: (p) => (p === 'Trip/a.png' ? own : null), folders: { Trip: trip } }));
    expect(view).toEqual({ kind: 'ready', file: own });
  });

  it('reads a file of a remembered folder through its handle when the permission is granted', async () => {
    const trip = fakeFolder('Trip', { '2019': { 'a.png': photo('a.png', [7, 8]) } });
    expect(await bytesOf(await findFullSize('Trip/2019/a.png', sources({ folders: { Trip: trip } })))).toEqual([7, 8]);
  });

  it('waits for a click where the folder needs permission again, then reads the file', async () => {
    const trip = fakeFolder('Trip', { 'a.png': photo('a.png', [3]) }, { permission: 'prompt', onRequest: 'granted' });
    const view = await findFullSize('Trip/a.png', sources({ folders: { Trip: trip } }));
    expect(view).toMatchObject({ kind: 'permission', folder: 'Trip' });
    if (view.kind !== 'permission') return;
    expect(await bytesOf(await allowFullSize(view, 'Trip/a.png'))).toEqual([3]);
  });

  it('keeps the button after a dismissed prompt and says so after a refusal', async () => {
    const dismissed = fakeFolder('Trip', {}, { permission: 'prompt', onRequest: 'prompt' });
    const ask = { kind: 'permission', folder: 'Trip', handle: dismissed } as const;
    expect(await allowFullSize(ask, 'Trip/a.png')).toBe(ask);
    const refused = fakeFolder('Trip', {}, { permission: 'prompt', onRequest: 'denied' });
    expect(await allowFullSize({ ...ask, handle: refused }, 'Trip/a.png')).toEqual({
      kind: 'unavailable',
      message: expect.stringContaining('Reading the folder “Trip” is not allowed') as string,
    });
    const blocked = fakeFolder('Trip', {}, { permission: 'denied' });
    expect(await findFullSize('Trip/a.png', sources({ folders: { Trip: blocked } }))).toMatchObject({ kind: 'unavailable' });
  });

  it('says when the file is no longer in its remembered folder', async () => {
    const trip = fakeFolder('Trip', { 'b.png': photo('b.png', [1]) });
    const view = await findFullSize('Trip/2019/a.png', sources({ folders: { Trip: trip } }));
    expect(view).toEqual({
      kind: 'unavailable',
      message: 'The file is no longer in the folder “Trip” (moved, renamed or deleted): rescan the folder to update the library.',
    });
  });

  it('says how to see a photo full size by how it was added: alone, or with a folder that is not remembered', async () => {
    const trip = fakeFolder('Trip', { 'a.png': photo('a.png', [1]) });
    expect(await findFullSize('a.png', sources({ folders: { Trip: trip } }))).toEqual({ kind: 'unavailable', message: addedAloneMessage(true) });
    expect(await findFullSize('Holidays/a.png', sources({ folders: { Trip: trip } }))).toEqual({
      kind: 'unavailable',
      message: addedFolderMessage('Holidays', true),
    });
    expect(addedAloneMessage(true)).toBe(
      'Full size is shown while the file is open in this tab: add it again with Add photos to see it full size. Photos from a folder picked with “Pick a folder to remember” show full size after a reload too.',
    );
    expect(addedAloneMessage(false)).toBe('Full size is shown while the file is open in this tab: add it again with Add photos to see it full size.');
    expect(addedFolderMessage('Holidays', true)).toBe(
      'Full size is shown while the folder is open in this tab: add “Holidays” again with Add folder to see it full size, or pick it with “Pick a folder to remember” to see its photos full size after a reload too.',
    );
    expect(addedFolderMessage('Holidays', false)).toBe(
      'Full size is shown while the folder is open in this tab: add “Holidays” again with Add folder to see it full size.',
    );
  });
});
