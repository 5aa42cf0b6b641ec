// CPU time of the child processes a run started: /proc/self/stat's cutime and
// cstime (Linux) grow by a child's user + system time, its own reaped children
// included, when the benchmark reaps it. So the difference around a run is the
// CPU the run's process tree spent (node, Helm, git), whatever else the
// machine is doing; long-lived servers (registry, mirror) are not in it.
import fs from 'node:fs'

/** Clock ticks per second of /proc (USER_HZ, 100 on Linux). */
const USER_HZ = 100

/** CPU ms of this process's reaped children so far; NaN without /proc. */
export function childrenCpuMs(): number {
  let stat: string
  try {
    stat = fs.readFileSync('/proc/self/stat', 'utf8')
  } catch {
    return Number.NaN
  }
  // Fields after `(comm) `: state is field 3, so field k is at index k - 3.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  const cutime = Number(fields[16 - 3])
  const cstime = Number(fields[17 - 3])
  return ((cutime + cstime) * 1000) / USER_HZ
}

/** Runs `fn`; returns its result and the CPU ms of the processes it started. */
export async function withChildCpu<T>(
  fn: () => Promise<T>
): Promise<{ value: T; cpuMs: number }> {
  const before = childrenCpuMs()
  const value = await fn()
  return { value, cpuMs: childrenCpuMs() - before }
}
