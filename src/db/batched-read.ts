/** One caller of a batched read, waiting for its answer. */
interface Waiting<K, V> {
  key: K;
  resolve(value: V): void;
  reject(error: unknown): void;
}

/**
 * A hot read asked for by many concurrent requests, run as one statement for all the keys asked in the same turn of
 * the event loop. Under load the server reads several requests off their sockets in one turn, and each asks for its
 * row: as one statement they cost the database and this process one round trip instead of one each (a bot turn's
 * conversation load and card listing were most of its socket writes and of the database's work). Nothing waits for
 * company: the batch goes at the end of the turn it was asked in (`setImmediate`), so every answer is as fresh as a
 * read issued when it was asked, or fresher. A key asked alone goes through `one`, the single-key statement, as before.
 * A failed statement fails every caller in its batch. A batch runs in the async context of its first caller: its
 * statement is traced under that caller's span.
 */
export class BatchedRead<K, V> {
  private pending: Array<Waiting<K, V>> = [];

  constructor(
    /** Reads one key. */
    private readonly one: (key: K) => Promise<V>,
    /** Reads several keys in one statement; answers in the order of `keys`. */
    private readonly many: (keys: K[]) => Promise<V[]>,
  ) {}

  /** The value for `key`, read together with the other keys asked for in this turn of the event loop. */
  get(key: K): Promise<V> {
    return new Promise<V>((resolve, reject) => {
      this.pending.push({ key, resolve, reject });
      if (this.pending.length === 1) setImmediate(() => this.flush());
    });
  }

  private flush(): void {
    const batch = this.pending;
    this.pending = [];
    // `one` and `many` may throw before returning a promise: their callers must hear of it all the same.
    const read = new Promise<V[]>((resolve) =>
      resolve(batch.length === 1 ? this.one(batch[0].key).then((value) => [value]) : this.many(batch.map((w) => w.key))),
    );
    read.then(
      (values) => {
        for (const [i, waiting] of batch.entries()) waiting.resolve(values[i]);
      },
      (error: unknown) => {
        for (const waiting of batch) waiting.reject(error);
      },
    );
  }
}
