import { BatchedRead } from '../../src/db/batched-read';

/** A batched read over a recorded fake "database": which statements ran, with which keys. */
function recorded(fail: (keys: string[]) => boolean = () => false) {
  const statements: Array<{ kind: 'one' | 'many'; keys: string[] }> = [];
  const read = new BatchedRead<string, string>(
    (key) => {
      statements.push({ kind: 'one', keys: [key] });
      return fail([key]) ? Promise.reject(new Error('refused')) : Promise.resolve(`value of ${key}`);
    },
    (keys) => {
      statements.push({ kind: 'many', keys });
      return fail(keys) ? Promise.reject(new Error('refused')) : Promise.resolve(keys.map((key) => `value of ${key}`));
    },
  );
  return { read, statements };
}

test('keys asked in the same turn of the event loop go as one statement; each caller gets its own answer', async () => {
  const { read, statements } = recorded();
  const answers = await Promise.all([read.get('a'), read.get('b'), read.get('a')]);
  expect(answers).toEqual(['value of a', 'value of b', 'value of a']);
  expect(statements).toEqual([{ kind: 'many', keys: ['a', 'b', 'a'] }]);
});

test('a key asked alone goes through the single-key statement', async () => {
  const { read, statements } = recorded();
  expect(await read.get('a')).toBe('value of a');
  expect(statements).toEqual([{ kind: 'one', keys: ['a'] }]);
});

test('a key asked after a batch went is never answered by it: it goes in a later statement', async () => {
  const { read, statements } = recorded();
  const first = read.get('a');
  // The batch goes at the end of this turn of the event loop; a key asked from a later turn is read after it.
  const later = new Promise<string>((resolve) => setImmediate(() => resolve(read.get('b'))));
  expect(await Promise.all([first, later])).toEqual(['value of a', 'value of b']);
  expect(statements).toEqual([
    { kind: 'one', keys: ['a'] },
    { kind: 'one', keys: ['b'] },
  ]);
});

test('a failed statement fails every caller of its batch, and the next batch is read again', async () => {
  let refuse = true;
  const { read, statements } = recorded(() => refuse);
  const results = await Promise.allSettled([read.get('a'), read.get('b')]);
  expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected']);
  refuse = false;
  expect(await Promise.all([read.get('a'), read.get('b')])).toEqual(['value of a', 'value of b']);
  expect(statements).toHaveLength(2);
});

test('a statement that throws instead of rejecting fails its callers, never leaves them waiting', async () => {
  const read = new BatchedRead<string, string>(
    () => {
      throw new Error('broken');
    },
    () => {
      throw new Error('broken');
    },
  );
  await expect(read.get('a')).rejects.toThrow('broken');
  await expect(Promise.all([read.get('a'), read.get('b')])).rejects.toThrow('broken');
});
