// The machine the figures were measured on.
import os from 'node:os'

export interface Machine {
  cores: number
  memoryGiB: number
  node: string
  cpu: string
  platform: string
}

export function describeMachine(): Machine {
  const cpus = os.cpus()
  return {
    cores: os.availableParallelism?.() ?? cpus.length,
    memoryGiB: os.totalmem() / 1024 ** 3,
    node: process.version,
    cpu: cpus[0]?.model.trim() || 'unknown CPU',
    platform: `${os.platform()} ${os.release()} ${os.arch()}`
  }
}

/** The short form for the table's machine column. */
export function machineCell(machine: Machine): string {
  return `${machine.cores} cores, ${machine.memoryGiB.toFixed(1)} GiB, node ${machine.node}, ${machine.cpu}`
}
