// Runs a child process the way the benchmark times it: argument array, no
// shell, wall time from spawn to exit.
import { spawn } from 'node:child_process'
import { performance } from 'node:perf_hooks'

export interface CommandResult {
  /** Wall time from just before spawn until the process closed, in ms. */
  ms: number
  exitCode: number | null
  stdout: string
  stderr: string
}

export interface CommandOptions {
  env?: NodeJS.ProcessEnv
  cwd?: string
  /** Exit codes that count as success (default: only 0). */
  okCodes?: readonly number[]
}

/** Runs `command args…`; throws with its output when it fails. */
export function runCommand(
  command: string,
  args: readonly string[],
  options: CommandOptions = {}
): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const start = performance.now()
    const child = spawn(command, args, {
      env: options.env ?? process.env,
      cwd: options.cwd,
      stdio: ['ignore', 'pipe', 'pipe']
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    child.on('error', reject)
    child.on('close', exitCode => {
      const ms = performance.now() - start
      const ok = options.okCodes ?? [0]
      if (exitCode === null || !ok.includes(exitCode)) {
        reject(
          new Error(
            `${command} ${args.join(' ')} exited with ${exitCode}:\n${stdout}\n${stderr}`
          )
        )
        return
      }
      resolve({ ms, exitCode, stdout, stderr })
    })
  })
}

/** Runs `fn` and returns how long it took, in ms, with its result. */
export async function timed<T>(
  fn: () => Promise<T>
): Promise<{ ms: number; value: T }> {
  const start = performance.now()
  const value = await fn()
  return { ms: performance.now() - start, value }
}
