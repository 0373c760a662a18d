/**
 * Runs tasks one at a time. onnxruntime-web rejects a run that overlaps another on the same
 * session, and creating sessions concurrently on WebGPU is fragile, so everything that
 * touches ORT goes through one queue.
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task, task);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
