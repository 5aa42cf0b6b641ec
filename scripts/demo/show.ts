// How the demo speaks: a heading per step of the story, each action run's
// log as the run page first shows it (compact-log.ts), the outputs a later
// workflow step would read, and the long texts (whole logs, job summaries,
// the pull request's body, the release notes) written to files in one
// folder, named on the terminal, instead of scrolled past.
import fs from 'node:fs'
import path from 'node:path'
import type { StepResult } from '../../__tests__/helpers/action-runner.js'
import { createRunLog } from '../run-log.js'
import { createCompactLog } from './compact-log.js'

/** What the demo prints and writes. */
export interface Show {
  /** The folder the files go to. */
  outDir: string
  /** A step of the story: `n/total title`. */
  step(n: number, total: number, title: string): void
  /** A line of the demo's own, prefixed `demo:` and indented under the step. */
  say(text: string): void
  /** An `echo` for runMain: the run's log, compact (or expanded with --debug). */
  runLog(): RunLog
  /** The outputs a workflow would read, the empty ones left out. */
  outputs(result: StepResult, names?: readonly string[]): void
  /** Writes `text` to `name` in the folder and says so, with `what` it is. */
  file(name: string, text: string, what: string): string
  /** Writes the run's whole log and its summary; names both files. */
  keepRun(name: string, log: RunLog, result: StepResult): void
}

/** One run's log: shown as it comes, and kept whole, in order. */
export interface RunLog {
  echo(line: string): void
  /** Shows what is still held back (an unclosed group). */
  end(): void
  /** Every raw line, stdout and stderr as they came. */
  lines: string[]
}

/** The printer; `expanded` shows whole logs with debug lines (--debug). */
export function createShow(outDir: string, expanded: boolean): Show {
  fs.mkdirSync(outDir, { recursive: true })
  const say = (text: string) => console.log(`demo: ${text}`)
  const file = (name: string, text: string, what: string) => {
    const where = path.join(outDir, name)
    fs.writeFileSync(where, text)
    say(`${what}: ${where}`)
    return where
  }
  return {
    outDir,
    step(n, total, title) {
      console.log(`\n━━ ${n}/${total} ${title}\n`)
    },
    say,
    runLog() {
      const log = createCompactLog({ expanded })
      const print = (lines: string[]) => lines.forEach(l => console.log(l))
      const lines: string[] = []
      return {
        echo(line) {
          lines.push(line)
          print(log.line(line))
        },
        end: () => print(log.end()),
        lines
      }
    },
    outputs(result, names) {
      const shown = Object.entries(result.outputs).filter(
        ([key, value]) =>
          (names === undefined || names.includes(key)) &&
          value !== '' &&
          value !== '[]'
      )
      console.log('\noutputs:')
      for (const [key, value] of shown) console.log(`  ${key} = ${value}`)
    },
    file,
    keepRun(name, log, result) {
      file(`${name}.log`, runPageText(log.lines), 'whole log')
      file(`${name}-summary.md`, result.summary, 'job summary (Markdown)')
    }
  }
}

/** The whole log as the run page shows it expanded (no debug lines). */
function runPageText(lines: readonly string[]): string {
  const render = createRunLog({ debug: false })
  const shown = lines.map(line => render(line)).filter(l => l !== undefined)
  return `${shown.join('\n')}\n`
}
