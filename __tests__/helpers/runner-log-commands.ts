// What a GitHub runner would execute from a step's output: it reads the output
// line by line (StreamReader.ReadLine: \n, \r\n or a lone \r end a line), trims
// leading white space (.NET's, which includes U+0085), and runs a line that
// then reads `::name props::data`. Between `::stop-commands::TOKEN` and
// `::TOKEN::` nothing runs. The legacy `##[name props]data` form is counted
// too, anywhere on a line, to err on the side of finding commands.
// https://docs.github.com/actions/reference/workflows-and-actions/workflow-commands

export interface RunnerCommand {
  /** Lowercased command name (`error`, `add-mask`, `stop-commands`…). */
  name: string
  /** The text between the name and the `::` (e.g. `file=a.yaml,line=3`). */
  properties: string
  data: string
  /** The whole line as printed. */
  line: string
}

// .NET's Char.IsWhiteSpace: JavaScript's \s misses U+0085 and has U+FEFF too.
const LEADING_SPACE =
  /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/

/** The lines the runner reads out of `output`. */
export function runnerLines(output: string): string[] {
  return output.split(/\r\n|\r|\n/)
}

function parseV2(line: string): RunnerCommand | undefined {
  const text = line.replace(LEADING_SPACE, '')
  if (!text.startsWith('::')) return undefined
  const end = text.indexOf('::', 2)
  if (end < 0) return undefined
  const info = text.slice(2, end)
  const space = info.indexOf(' ')
  const name = (space < 0 ? info : info.slice(0, space)).toLowerCase()
  if (!name) return undefined
  return {
    name,
    properties: space < 0 ? '' : info.slice(space + 1),
    data: text.slice(end + 2),
    line
  }
}

function parseV1(line: string): RunnerCommand | undefined {
  const match = /##\[([^\]\s;]+)([^\]]*)\](.*)$/.exec(line)
  if (!match) return undefined
  return {
    name: match[1].toLowerCase(),
    properties: match[2].trim(),
    data: match[3],
    line
  }
}

/**
 * The workflow commands the runner would execute from `output`, in order,
 * `stop-commands` included; lines inside a stopped block are skipped.
 */
export function runnerCommands(output: string): RunnerCommand[] {
  const executed: RunnerCommand[] = []
  let stopToken: string | undefined
  for (const line of runnerLines(output)) {
    const command = parseV2(line) ?? parseV1(line)
    if (stopToken !== undefined) {
      if (command?.name === stopToken.toLowerCase()) stopToken = undefined
      continue
    }
    if (!command) continue
    executed.push(command)
    if (command.name === 'stop-commands' && command.data) {
      stopToken = command.data
    }
  }
  return executed
}

/**
 * The commands executed from a step's stdout and stderr (the runner reads
 * both; a stop on one does not cover lines it reads from the other first, so
 * each is parsed on its own: a stray command on stderr counts).
 */
export function stepCommands(result: {
  stdout: string
  stderr: string
}): RunnerCommand[] {
  return [...runnerCommands(result.stdout), ...runnerCommands(result.stderr)]
}

/** Commands whose name, properties or data contain `marker`: injected ones. */
export function injectedCommands(
  result: { stdout: string; stderr: string },
  marker: string
): RunnerCommand[] {
  return stepCommands(result).filter(c =>
    `${c.name} ${c.properties} ${c.data}`.includes(marker)
  )
}
