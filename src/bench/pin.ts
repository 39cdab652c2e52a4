// Runs each configuration on as many CPUs as it uses. Unpinned, the
// 1 process x 1 thread baseline is not one core: its primary, its shard
// process and V8's compiler and collector threads run on the other cores
// while its one thread reads, which made it take 3.5 s where one CPU
// takes 4.0 s (10M rows, 2 cores), and efficiency read low by as much.
// Linux only: the CPUs come from /proc, the pinning from taskset.
import { existsSync, readFileSync } from 'node:fs';

const TASKSET = '/usr/bin/taskset';

/**
 * The CPUs this process may run on, in order, where runs can be pinned to
 * some of them; undefined where they cannot (no /proc or no taskset).
 */
export function pinnableCpus(): number[] | undefined {
  if (!existsSync(TASKSET)) return undefined;
  let status: string;
  try {
    status = readFileSync('/proc/self/status', 'utf8');
  } catch {
    return undefined;
  }
  const list = /^Cpus_allowed_list:\s*(\S+)$/m.exec(status)?.[1];
  return list === undefined ? undefined : parseCpuList(list);
}

/** The CPUs of a kernel CPU list: "0-2,5" is 0, 1, 2 and 5. */
export function parseCpuList(text: string): number[] {
  return text.split(',').flatMap((range) => {
    const [first, last = first] = range.split('-').map(Number);
    return Array.from({ length: last - first + 1 }, (_, i) => first + i);
  });
}

/** `command` run on the first `count` of `cpus` only. */
export function pinnedTo(
  command: string[],
  cpus: readonly number[],
  count: number,
): string[] {
  return [TASKSET, '-c', cpus.slice(0, count).join(','), ...command];
}
