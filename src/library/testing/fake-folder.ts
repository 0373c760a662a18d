// Test helper: a directory handle like Chromium's over a tree of Files, with a read permission.

export interface FakeFolderOptions {
  /** What queryPermission answers (reads throw NotAllowedError unless "granted"). */
  permission?: PermissionState;
  /** What requestPermission answers; it becomes the permission. Absent: the handle has no requestPermission. */
  onRequest?: PermissionState;
}

/** A directory handle over `tree` (a File is a file, an object a folder). */
export function fakeFolder(name: string, tree: Record<string, File | object>, options: FakeFolderOptions = {}): FileSystemDirectoryHandle {
  let permission = options.permission ?? 'granted';
  const deny = () => {
    if (permission !== 'granted') throw new DOMException('no permission', 'NotAllowedError');
  };
  const answer = options.onRequest;
  const dir = (dirName: string, t: Record<string, File | object>): unknown => ({
    kind: 'directory',
    name: dirName,
    queryPermission: async () => permission,
    ...(answer && {
      requestPermission: async () => {
        permission = answer;
        return answer;
      },
    }),
    async getDirectoryHandle(child: string) {
      deny();
      const sub = t[child];
      if (!sub || sub instanceof File) throw new DOMException('not found', 'NotFoundError');
      return dir(child, sub as Record<string, File | object>);
    },
    async getFileHandle(child: string) {
      deny();
      const f = t[child];
      if (!(f instanceof File)) throw new DOMException('not found', 'NotFoundError');
      return { kind: 'file', name: child, getFile: async () => f };
    },
  });
  return dir(name, tree) as FileSystemDirectoryHandle;
}
