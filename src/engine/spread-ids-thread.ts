// The entry of the thread that finds the spread ids while the merge writes
// (spread-ids-aside.ts): it waits for the chunks, answers, and ends.
import { parentPort } from 'node:worker_threads';
import { findSpreadIds, type IdSource } from './spread-ids.js';

parentPort?.once('message', async (chunks: IdSource[]) => {
  const { marks, count } = await findSpreadIds(chunks, async () => undefined);
  parentPort?.postMessage({ marks, count });
});
