// Counts agent runs in flight so the status bar can spin while any is running.

export class RunTracker {
  private count = 0;

  constructor(private readonly onChange: (running: number) => void) {}

  get running(): number {
    return this.count;
  }

  async track<T>(work: () => Promise<T>): Promise<T> {
    this.count += 1;
    this.onChange(this.count);
    try {
      return await work();
    } finally {
      this.count -= 1;
      this.onChange(this.count);
    }
  }
}
