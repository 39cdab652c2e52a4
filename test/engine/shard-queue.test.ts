import fc from 'fast-check';
import { expect, test } from 'vitest';
import { planChunks } from '../../src/engine/coordinator.js';
import { ShardQueue, type Shard } from '../../src/engine/shard-queue.js';

function drain(queue: ShardQueue): Shard[] {
  const shards: Shard[] = [];
  for (let shard = queue.next(); shard; shard = queue.next()) {
    shards.push(shard);
  }
  return shards;
}

test('shards hold every chunk once, in order, and shrink', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 3000 }),
      fc.integer({ min: 1, max: 16 }),
      (chunks, processes) => {
        const tasks = planChunks(0, chunks, 1);
        const shards = drain(new ShardQueue(tasks, processes));
        const indexes = shards.flatMap((s) => s.tasks.map((t) => t.index));
        expect(indexes).toEqual(tasks.map((task) => task.index));
        const sizes = shards.map((shard) => shard.tasks.length);
        for (let i = 1; i < sizes.length; i++) {
          expect(sizes[i]).toBeLessThanOrEqual(sizes[i - 1]);
        }
        if (sizes.length > 0) expect(sizes.at(-1)).toBe(1);
        expect(shards.map((shard) => shard.id)).toEqual(
          shards.map((_, i) => i),
        );
      },
    ),
  );
});

test('a retried shard and a redone chunk come before new shards', () => {
  const tasks = planChunks(0, 100, 1);
  const queue = new ShardQueue(tasks, 2);
  const first = queue.next()!;
  expect(first.tasks).toHaveLength(13); // 100 / (2 * 4), rounded up
  queue.retry(first);
  const redo = { ...tasks[40], exactStart: 39, attempt: 2 };
  queue.redo(redo);

  const redone = queue.next()!;
  expect(redone.tasks).toEqual([redo]);
  expect(queue.get(redone.id)).toBe(redone);
  expect(queue.next()).toMatchObject({ id: first.id, attempt: 2 });
  expect(queue.next()!.tasks[0].index).toBe(13);
});
