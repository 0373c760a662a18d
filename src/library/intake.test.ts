// The browser's folder APIs (a folder dropped from the desktop, the directory picker) cannot be
// driven headless, so the walkers are tested here against fake entries and handles that behave
// like Chromium's: readEntries returns at most 100 entries a call, callbacks are asynchronous,
// and the DataTransfer is emptied once the drop handler yields.
import { describe, expect, it } from 'vitest';
import type { IntakeFile } from './intake-file';
import { REASON_EMPTY, REASON_RAW, REASON_SYSTEM } from '../engine/preprocess/skip-reasons';
import { classifyFiles, filesFromDataTransfer, filesFromDirectoryHandle, filesFromInput, readAllEntries } from './intake';
import { isVideoFile } from './classify';

const bytes = (n = 4) => new Uint8Array(n).fill(7);
const file = (name: string, type = '', size = 4) => new File([bytes(size)], name, { type });
const later = (fn: () => void) => setTimeout(fn, 0);

// --- Fake File and Directory Entries ----------------------------------------------------------

class FakeFileEntry {
  readonly isFile = true;
  readonly isDirectory = false;
  constructor(
    readonly name: string,
    readonly fullPath: string,
    private readonly content: File | Error,
  ) {}
  file(ok: (f: File) => void, fail?: (e: DOMException) => void): void {
    const c = this.content;
    later(() => (c instanceof Error ? fail?.(new DOMException(c.message, 'NotFoundError')) : ok(c)));
  }
}

class FakeDirectoryEntry {
  readonly isFile = false;
  readonly isDirectory = true;
  readCalls = 0;
  constructor(
    readonly name: string,
    readonly fullPath: string,
    readonly children: (FakeFileEntry | FakeDirectoryEntry)[],
    private readonly failWith: string | null = null,
  ) {}
  createReader() {
    let offset = 0;
    return {
      readEntries: (ok: (batch: unknown[]) => void, fail?: (e: DOMException) => void) => {
        this.readCalls++;
        later(() => {
          if (this.failWith) return fail?.(new DOMException(this.failWith, 'EncodingError'));
          const batch = this.children.slice(offset, offset + 100); // Chromium's batch size
          offset += batch.length;
          ok(batch);
        });
      },
    };
  }
}

type Node = { file: File } | { dir: Record<string, Node> } | { error: string };

function entryTree(name: string, tree: Record<string, Node>, parent = ''): FakeDirectoryEntry {
  const fullPath = `${parent}/${name}`;
  const children = Object.entries(tree).map(([n, node]) => {
    if ('dir' in node) return entryTree(n, node.dir, fullPath);
    return new FakeFileEntry(n, `${fullPath}/${n}`, 'file' in node ? node.file : new Error(node.error));
  });
  return new FakeDirectoryEntry(name, fullPath, children);
}

interface FakeItem {
  kind: string;
  type: string;
  webkitGetAsEntry(): unknown;
  getAsFile(): File | null;
}

/** A DataTransfer that is emptied (like the browser's) once `expire()` is called. */
function fakeDataTransfer(items: { entry?: unknown; file?: File; kind?: string }[]) {
  let expired = false;
  const live: FakeItem[] = items.map((item) => ({
    kind: item.kind ?? 'file',
    type: item.file?.type ?? '',
    webkitGetAsEntry: () => (expired ? null : (item.entry ?? null)),
    getAsFile: () => (expired ? null : (item.file ?? null)),
  }));
  const dt = {
    get items() {
      return expired ? [] : live;
    },
    get files() {
      return expired ? [] : items.flatMap((item) => (item.file ? [item.file] : []));
    },
  };
  return { dt: dt as unknown as DataTransfer, expire: () => (expired = true) };
}

// --- Fake File System Access handles ----------------------------------------------------------

type HandleNode = { file: File } | { dir: Record<string, HandleNode> } | { error: string };

function handleTree(name: string, tree: Record<string, HandleNode>, useEntries = false): object {
  const children = () =>
    Object.entries(tree).map(([n, node]) => {
      if ('dir' in node) return handleTree(n, node.dir, useEntries);
      return {
        kind: 'file' as const,
        name: n,
        getFile: async () => {
          await new Promise((r) => later(() => r(null)));
          if ('error' in node) throw new DOMException(node.error, 'NotAllowedError');
          return node.file;
        },
      };
    });
  const handle: Record<string, unknown> = { kind: 'directory', name };
  if (useEntries) {
    handle.entries = async function* () {
      for (const c of children()) yield [(c as { name: string }).name, c];
    };
  } else {
    handle.values = async function* () {
      for (const c of children()) {
        await Promise.resolve();
        yield c;
      }
    };
  }
  return handle;
}

const paths = (files: IntakeFile[]) => files.map((f) => f.path);

// --- Tests ------------------------------------------------------------------------------------

describe('filesFromInput', () => {
  it('uses webkitRelativePath when set, else the name', () => {
    const plain = file('a.jpg', 'image/jpeg');
    const nested = file('b.jpg', 'image/jpeg');
    Object.defineProperty(nested, 'webkitRelativePath', { value: 'Trip/day1/b.jpg' });
    const out = filesFromInput([plain, nested]);
    expect(paths(out)).toEqual(['a.jpg', 'Trip/day1/b.jpg']);
    expect(out[0]!.file).toBe(plain);
  });
});

describe('readAllEntries', () => {
  it('calls readEntries until an empty batch: 250 entries in 100-entry batches', async () => {
    const children: Record<string, Node> = {};
    for (let i = 0; i < 250; i++) children[`img${String(i).padStart(3, '0')}.jpg`] = { file: file(`img${i}.jpg`, 'image/jpeg') };
    const dir = entryTree('Big', children);
    const all = await readAllEntries(dir as unknown as FileSystemDirectoryEntry);
    expect(all).toHaveLength(250);
    expect(dir.readCalls).toBe(4); // 100 + 100 + 50 + the empty batch
  });
});

describe('filesFromDataTransfer', () => {
  it('walks dropped folders recursively, with paths from fullPath', async () => {
    const big: Record<string, Node> = {};
    for (let i = 0; i < 250; i++) big[`p${String(i).padStart(3, '0')}.jpg`] = { file: file(`p${i}.jpg`, 'image/jpeg') };
    const holidays = entryTree('Holidays', {
      'beach.jpg': { file: file('beach.jpg', 'image/jpeg') },
      '2019': { dir: { 'a.png': { file: file('a.png', 'image/png') }, many: { dir: big }, empty: { dir: {} } } },
    });
    const loose = new FakeFileEntry('loose.webp', '/loose.webp', file('loose.webp', 'image/webp'));
    const { dt, expire } = fakeDataTransfer([{ entry: holidays }, { entry: loose }]);
    const pending = filesFromDataTransfer(dt);
    expire(); // the browser empties the DataTransfer as soon as the handler awaits
    const out = await pending;
    expect(out).toHaveLength(253);
    expect(paths(out)).toEqual(
      expect.arrayContaining(['Holidays/beach.jpg', 'Holidays/2019/a.png', 'Holidays/2019/many/p000.jpg', 'Holidays/2019/many/p249.jpg']),
    );
    expect(paths(out).at(-1)).toBe('loose.webp');
    expect(out.every((f) => !f.path.startsWith('/'))).toBe(true);
  });

  it('collects every item synchronously, not only the first', async () => {
    const entries = ['x.jpg', 'y.jpg', 'z.jpg'].map((n) => new FakeFileEntry(n, `/${n}`, file(n, 'image/jpeg')));
    const { dt, expire } = fakeDataTransfer(entries.map((entry) => ({ entry })));
    const pending = filesFromDataTransfer(dt);
    expire();
    expect(paths(await pending)).toEqual(['x.jpg', 'y.jpg', 'z.jpg']);
  });

  it('falls back to getAsFile for items without an entry and ignores string items', async () => {
    const f = file('pasted.png', 'image/png');
    const { dt, expire } = fakeDataTransfer([{ file: f }, { kind: 'string' }]);
    const pending = filesFromDataTransfer(dt);
    expire();
    const out = await pending;
    expect(out).toEqual([{ file: f, path: 'pasted.png' }]);
  });

  it('reports unreadable files and folders through classification instead of failing the drop', async () => {
    const root = entryTree('Mixed', {
      'ok.jpg': { file: file('ok.jpg', 'image/jpeg') },
      'gone.jpg': { error: 'moved away' },
    });
    root.children.push(new FakeDirectoryEntry('locked', '/Mixed/locked', [], 'path too long'));
    const { dt } = fakeDataTransfer([{ entry: root }]);
    const { accepted, skipped } = classifyFiles(await filesFromDataTransfer(dt));
    expect(paths(accepted)).toEqual(['Mixed/ok.jpg']);
    expect(skipped).toEqual([
      { path: 'Mixed/gone.jpg', reason: 'could not be read: moved away' },
      { path: 'Mixed/locked', reason: 'could not be read: path too long' },
    ]);
  });
});

describe('filesFromDirectoryHandle', () => {
  const tree: Record<string, HandleNode> = {
    'top.jpg': { file: file('top.jpg', 'image/jpeg') },
    '2020': { dir: { 'b.png': { file: file('b.png', 'image/png') }, deep: { dir: { 'c.gif': { file: file('c.gif', 'image/gif') } } } } },
    '.DS_Store': { file: file('.DS_Store') },
  };

  it('walks values() recursively, paths prefixed with the folder name', async () => {
    const out = await filesFromDirectoryHandle(handleTree('Photos', tree) as FileSystemDirectoryHandle);
    expect(paths(out).sort()).toEqual(['Photos/.DS_Store', 'Photos/2020/b.png', 'Photos/2020/deep/c.gif', 'Photos/top.jpg']);
    expect(out.find((f) => f.path === 'Photos/2020/deep/c.gif')!.file.type).toBe('image/gif');
  });

  it('falls back to entries() when values() is missing', async () => {
    const out = await filesFromDirectoryHandle(handleTree('Photos', tree, true) as FileSystemDirectoryHandle);
    expect(out).toHaveLength(4);
  });

  it('keeps walking past a file that cannot be read', async () => {
    const out = await filesFromDirectoryHandle(
      handleTree('P', { 'a.jpg': { error: 'denied' }, 'b.jpg': { file: file('b.jpg', 'image/jpeg') } }) as FileSystemDirectoryHandle,
    );
    const { accepted, skipped } = classifyFiles(out);
    expect(paths(accepted)).toEqual(['P/b.jpg']);
    expect(skipped).toEqual([{ path: 'P/a.jpg', reason: 'could not be read: denied' }]);
  });
});

describe('classifyFiles', () => {
  const reasonOf = (path: string, type = '', size = 4): string | null => {
    const name = path.slice(path.lastIndexOf('/') + 1);
    const { skipped } = classifyFiles([{ file: file(name, type, size), path }]);
    return skipped[0]?.reason ?? null;
  };

  it('accepts the formats browsers decode, by MIME type', () => {
    for (const t of ['image/jpeg', 'image/png', 'image/webp', 'image/gif', 'image/avif', 'image/bmp']) expect(reasonOf('photo', t)).toBeNull();
  });

  it('accepts by extension when the type is empty or generic', () => {
    for (const n of ['a.jpg', 'a.JPEG', 'a.png', 'a.webp', 'a.gif', 'a.avif', 'a.bmp', 'a.jfif']) expect(reasonOf(`x/${n}`)).toBeNull();
    expect(reasonOf('a.jpg', 'application/octet-stream')).toBeNull();
  });

  it('accepts HEIC/HEIF (iPhone photos), by type or by extension', () => {
    for (const n of ['IMG_1.HEIC', 'IMG_1.heif', 'IMG_1.hif']) expect(reasonOf(n)).toBeNull();
    for (const t of ['image/heic', 'image/heif', 'image/heic-sequence']) expect(reasonOf('IMG_1', t)).toBeNull();
  });

  it('skips RAW files, whatever type the browser guessed', () => {
    for (const ext of ['cr2', 'nef', 'arw', 'dng', 'raf', 'orf', 'rw2', 'CR3']) expect(reasonOf(`shoot/DSC_1.${ext}`)).toBe(REASON_RAW);
    expect(reasonOf('x.dng', 'image/x-adobe-dng')).toBe(REASON_RAW);
    expect(reasonOf('x.dng', 'image/tiff')).toBe(REASON_RAW);
  });

  it('skips empty files', () => {
    expect(reasonOf('a.jpg', 'image/jpeg', 0)).toBe(REASON_EMPTY);
  });

  it('skips system files and hidden folders', () => {
    expect(reasonOf('Photos/.DS_Store')).toBe(REASON_SYSTEM);
    expect(reasonOf('Photos/Thumbs.db')).toBe(REASON_SYSTEM);
    expect(reasonOf('Photos/desktop.ini')).toBe(REASON_SYSTEM);
    expect(reasonOf('Photos/._IMG_0001.jpg', 'image/jpeg')).toBe(REASON_SYSTEM); // AppleDouble
    expect(reasonOf('Photos/.thumbnails/a.jpg', 'image/jpeg')).toBe(REASON_SYSTEM);
    expect(reasonOf('__MACOSX/Photos/a.jpg', 'image/jpeg')).toBe(REASON_SYSTEM);
    // A system file is reported as such even when it is empty.
    expect(reasonOf('Photos/.DS_Store', '', 0)).toBe(REASON_SYSTEM);
  });

  it('takes videos by type, or by extension where the type says nothing', () => {
    expect(reasonOf('clip.mov')).toBeNull();
    expect(reasonOf('clip.mp4', 'video/mp4')).toBeNull();
    expect(reasonOf('clip.webm', 'video/webm')).toBeNull();
    expect(reasonOf('clip.mkv', 'application/octet-stream')).toBeNull();
    expect(reasonOf('clip.mp4', 'video/mp4', 0)).toBe(REASON_EMPTY);
    expect(isVideoFile('a/clip.MOV', '')).toBe(true);
    expect(isVideoFile('a/photo.jpg', 'image/jpeg')).toBe(false);
  });

  it('skips everything else, naming the type or extension', () => {
    expect(reasonOf('notes.txt', 'text/plain')).toBe('not an image (text/plain)');
    expect(reasonOf('song.mp3', 'audio/mpeg')).toBe('not an image (audio/mpeg)');
    expect(reasonOf('README')).toBe('not an image (no extension)');
    expect(reasonOf('scan.tiff', 'image/tiff')).toMatch(/^image format not decoded by browsers \(image\/tiff\)/);
    expect(reasonOf('scan.tif')).toMatch(/\(\.tif\)/);
    // A specific MIME type wins over a misleading extension.
    expect(reasonOf('fake.jpg', 'text/html')).toBe('not an image (text/html)');
  });

  it('sorts accepted files (and skipped ones) by path', () => {
    const input = ['b/2.jpg', 'a/9.png', 'b/1.jpg', 'a/10.png', 'z.txt', 'c.txt'].map((p) => ({ file: file(p.slice(p.lastIndexOf('/') + 1)), path: p }));
    const { accepted, skipped } = classifyFiles(input);
    expect(paths(accepted)).toEqual(['a/10.png', 'a/9.png', 'b/1.jpg', 'b/2.jpg']);
    expect(skipped.map((s) => s.path)).toEqual(['c.txt', 'z.txt']);
  });
});
