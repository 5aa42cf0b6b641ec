// What a GitHub runner would execute from a step's output: lines end at
// \n, \r\n or a lone \r (it reads them with .NET's ReadLine), every line is
// trimmed (leading white space does not protect it), a line `::name …::data`
// is a workflow command, and `::stop-commands::TOKEN` turns processing off
// until the line `::TOKEN::`. Tests use it to prove that text from outside
// the action (a GitOps file, a registry) never becomes a command.
// https://docs.github.com/actions/reference/workflows-and-actions/workflow-commands

export interface RunnerCommand {
  /** 0-based index of the line in the output. */
  index: number
  /** The command's name, e.g. `error`, `add-mask`. */
  command: string
  /** The whole line as printed. */
  line: string
}

/** Name and data of a command line, as the runner parses it; undefined when it is not one. */
function parse(line: string): { command: string; data: string } | undefined {
  const trimmed = line.trim()
  if (!trimmed.startsWith('::')) return undefined
  const end = trimmed.indexOf('::', 2)
  if (end < 0) return undefined
  const info = trimmed.slice(2, end)
  const space = info.indexOf(' ')
  const command = space < 0 ? info : info.slice(0, space)
  return command ? { command, data: trimmed.slice(end + 2) } : undefined
}

/**
 * The commands the runner would execute from `output` (a step's stdout, or
 * its lines), in order. The stop and resume lines themselves are left out.
 */
export function runnerCommands(
  output: string | readonly string[]
): RunnerCommand[] {
  const lines =
    typeof output === 'string'
      ? output.split(/\r\n|\r|\n/)
      : output.flatMap(line => line.split(/\r\n|\r/))
  const commands: RunnerCommand[] = []
  let stopToken: string | undefined
  lines.forEach((line, index) => {
    const parsed = parse(line)
    if (!parsed) return
    const name = parsed.command.toLowerCase()
    if (stopToken !== undefined) {
      // Only the token resumes; every other command is printed as text.
      if (name === stopToken.toLowerCase()) stopToken = undefined
      return
    }
    if (name === 'stop-commands' && parsed.data) {
      stopToken = parsed.data
      return
    }
    commands.push({ index, command: parsed.command, line })
  })
  return commands
}
