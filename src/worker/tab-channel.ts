// Between the workers of several tabs of the app (not the page <-> worker protocol): embeddings
// written in one tab are announced on a BroadcastChannel, and the others' rankings take them in.

/** The message: these photos now have embeddings of this model in the library. */
export interface IndexedAnnouncement {
  model: string;
  hashes: string[];
}

export interface TabChannel {
  announce(message: IndexedAnnouncement): void;
  listen(listener: (message: IndexedAnnouncement) => void): void;
}

const NAME = 'longclip-search:indexed';

/** The tabs' channel, or null where BroadcastChannel is missing. */
export function openTabChannel(): TabChannel | null {
  if (typeof BroadcastChannel !== 'function') return null;
  const channel = new BroadcastChannel(NAME);
  return {
    announce: (message) => channel.postMessage(message),
    listen: (listener) => channel.addEventListener('message', (event: MessageEvent<IndexedAnnouncement>) => listener(event.data)),
  };
}
