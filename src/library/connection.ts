// One connection to the library database, opened on first use, for the page's stores and the
// worker alike. Another tab's upgrade (or the browser) can close it for good: then every use
// fails with a message that says to reload, and nothing reopens it.
import { CLOSED_BY_BROWSER, isVersionError, openLibraryDb, UPDATED_IN_ANOTHER_TAB, type ClosedReason, type LibraryDb } from './db';

export interface ConnectionEvents {
  /** The connection was closed for good (see ClosedReason); `message` says to reload. */
  onClosed?(reason: ClosedReason, message: string): void;
  /** The upgrade of this page's connection waits for another tab that keeps an older version open. */
  onBlocked?(): void;
  /** A connection is open (after a blocked upgrade went through, say). */
  onOpened?(): void;
  /** Test-only: another database name. */
  name?: string;
}

export class LibraryConnection {
  private opening: Promise<LibraryDb> | null = null;
  private closedBy: ClosedReason | null = null;

  constructor(private readonly events: ConnectionEvents = {}) {}

  /** Why the connection was closed for good, as the message to show; null while usable. */
  get closed(): string | null {
    return this.closedBy && closedMessage(this.closedBy);
  }

  /** The open database; opened on the first call (and again after an open that failed). */
  open(): Promise<LibraryDb> {
    if (this.closedBy) return Promise.reject(new Error(closedMessage(this.closedBy)));
    this.opening ??= openLibraryDb({
      ...(this.events.name ? { name: this.events.name } : {}),
      onClosed: (reason) => this.close(reason),
      onBlocked: () => this.events.onBlocked?.(),
    }).then(
      (db) => {
        this.events.onOpened?.();
        return db;
      },
      (e: unknown) => {
        this.opening = null;
        if (!isVersionError(e)) throw e;
        this.close('versionchange');
        throw new Error(UPDATED_IN_ANOTHER_TAB);
      },
    );
    return this.opening;
  }

  private close(reason: ClosedReason): void {
    if (this.closedBy) return;
    this.closedBy = reason;
    this.opening = null;
    this.events.onClosed?.(reason, closedMessage(reason));
  }
}

function closedMessage(reason: ClosedReason): string {
  return reason === 'versionchange' ? UPDATED_IN_ANOTHER_TAB : CLOSED_BY_BROWSER;
}
