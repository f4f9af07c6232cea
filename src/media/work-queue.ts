/** Runs background jobs one at a time, so that they never compete with each other for the CPU. */
export class WorkQueue {
  private tail: Promise<void> = Promise.resolve();

  constructor(private readonly onError: (error: unknown) => void) {}

  add(job: () => Promise<void>): void {
    this.tail = this.tail.then(job).catch(this.onError);
  }

  /** Resolves when every job added so far has finished. */
  idle(): Promise<void> {
    return this.tail;
  }
}
