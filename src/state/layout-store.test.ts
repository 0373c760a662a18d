import { describe, expect, it } from 'vitest';
import { setupNeeded, useLayoutStore } from './layout-store';

describe('set-up panel', () => {
  it('is needed without a model, without photos (none waiting either), or while a model gets ready', () => {
    const ready = { hasModel: true, fileCount: 40, queued: 0, modelBusy: false };
    expect(setupNeeded(ready)).toBe(false);
    expect(setupNeeded({ ...ready, hasModel: false })).toBe(true);
    expect(setupNeeded({ ...ready, fileCount: 0 })).toBe(true);
    // Photos on their way in: the search is what comes next, not the set-up.
    expect(setupNeeded({ ...ready, fileCount: 0, queued: 12 })).toBe(false);
    expect(setupNeeded({ ...ready, modelBusy: true })).toBe(true);
  });

  it("keeps the user's choice over the automatic one; working in the panel keeps it open", () => {
    expect(useLayoutStore.getState().setupChoice).toBeNull();
    useLayoutStore.getState().keepOpen();
    expect(useLayoutStore.getState().setupChoice).toBe(true);
    useLayoutStore.getState().toggleSetup(false);
    useLayoutStore.getState().keepOpen();
    expect(useLayoutStore.getState().setupChoice).toBe(false);
    useLayoutStore.getState().toggleSetup(true);
    expect(useLayoutStore.getState().setupChoice).toBe(true);
    useLayoutStore.getState().toggleSetup(false);
    expect(useLayoutStore.getState().setupChoice).toBe(false);
  });
});
