// What travels between the primary, the shard processes and their threads:
// byte ranges out, a report a chunk back, a few chunks a message. Never a
// message per row.
import type { ChunkFatal } from '../orders/chunk.js';
import type { ChunkSettings } from '../orders/rules.js';
import type { ChunkOutcome, Counts } from '../orders/settle-chunk.js';
import type { TotalsRecord } from '../orders/totals.js';
import type { SpillPlace } from './spill.js';

/** The run's fixed facts, sent once to every process. */
export interface JobSpec {
  /** The file read (standard input and .gz are first spooled to one). */
  inputPath: string;
  fileBytes: number;
  spillDir: string;
  settings: ChunkSettings;
}

/** One chunk: the records starting in [nominalStart, nominalEnd). */
export interface ChunkTask {
  index: number;
  nominalStart: number;
  nominalEnd: number;
  /** Where its first record really starts, once the merge knows. */
  exactStart?: number;
  attempt: number;
}

/** A processed chunk, its output left in a spill file. */
export interface ChunkReport extends Counts, SpillPlace {
  index: number;
  attempt: number;
  start: number;
  end: number;
  newlines: number;
  fatal?: ChunkFatal;
  totals: TotalsRecord;
  orders: number;
  rejects: number;
  /** See ChunkOutcome.edges. */
  edges: ChunkOutcome['edges'];
}
