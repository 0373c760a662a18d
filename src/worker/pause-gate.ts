/** Lets a long task pause between steps: `wait()` resolves at once, or when resumed (or aborted). */
export class PauseGate {
  private paused = false;
  private waiters: (() => void)[] = [];

  constructor(private readonly onChange: (paused: boolean) => void) {}

  pause(): void {
    if (this.paused) return;
    this.paused = true;
    this.onChange(true);
  }

  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    this.onChange(false);
    for (const w of this.waiters.splice(0)) w();
  }

  wait(signal: AbortSignal): Promise<void> {
    if (!this.paused) return Promise.resolve();
    return new Promise((resolve) => {
      this.waiters.push(resolve);
      signal.addEventListener('abort', () => resolve(), { once: true });
    });
  }
}
