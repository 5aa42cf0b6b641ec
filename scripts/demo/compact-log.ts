// The demo's view of one step's log, as the run page first shows it: each
// group collapsed to its heading (with how many lines it holds), the
// annotations (error / warning / notice) under it, and the lines printed
// outside any group. The whole log, expanded, goes to a file the demo names;
// with --debug the terminal shows it expanded too (run-log.ts does the
// rendering either way).
import { createRunLog } from '../run-log.js'

export interface CompactLogOptions {
  /** Show everything, expanded, debug lines included (`--debug`). */
  expanded: boolean
}

/** A stateful printer: feed it the raw lines in order, it returns what to show. */
export interface CompactLog {
  /** What to show for this raw line (often nothing, until its group ends). */
  line(raw: string): string[]
  /** What is still held back when the step ends (an unclosed group). */
  end(): string[]
}

const GROUP = /^\s*::group::/
const END_GROUP = /^\s*::endgroup::/
const ANNOTATION = /^\s*::(error|warning|notice)\b/

interface OpenGroup {
  heading: string
  lines: number
  annotations: string[]
}

function closed(group: OpenGroup): string[] {
  const count = group.lines === 1 ? '1 line' : `${group.lines} lines`
  return [`${group.heading} (${count})`, ...group.annotations]
}

/** The compact printer (or, when `expanded`, the run page's full view). */
export function createCompactLog(options: CompactLogOptions): CompactLog {
  const render = createRunLog({ debug: options.expanded })
  let group: OpenGroup | undefined
  return {
    line(raw) {
      const shown = render(raw)
      if (options.expanded) return shown === undefined ? [] : [shown]
      if (GROUP.test(raw) && shown?.startsWith('\n▸ ')) {
        const before = group ? closed(group) : []
        group = { heading: shown.slice(1), lines: 0, annotations: [] }
        return before
      }
      if (END_GROUP.test(raw) && group) {
        const done = closed(group)
        group = undefined
        return done
      }
      if (shown === undefined) return []
      if (!group) return [shown]
      if (ANNOTATION.test(raw)) group.annotations.push(shown)
      else group.lines++
      return []
    },
    end() {
      const rest = group ? closed(group) : []
      group = undefined
      return rest
    }
  }
}
