// Turns what an action prints (workflow commands included) into what a person
// sees on the run page: groups as headings, annotations as `error:` /
// `warning:` / `notice:` lines, debug lines only when asked for, masks and
// other commands hidden, and `::stop-commands::` honoured as the runner does.
// https://docs.github.com/actions/reference/workflows-and-actions/workflow-commands

export interface RunLogOptions {
  /** Show `::debug::` lines (the runner does with RUNNER_DEBUG=1 / step debug). */
  debug: boolean
}

const ANNOTATIONS = new Set(['error', 'warning', 'notice'])

/** Undoes the runner's escaping of command data. */
function unescapeData(text: string): string {
  return text.replace(/%0D/gi, '\r').replace(/%0A/gi, '\n').replace(/%25/g, '%')
}

function unescapeProperty(text: string): string {
  return unescapeData(text).replace(/%3A/gi, ':').replace(/%2C/gi, ',')
}

function properties(text: string): Record<string, string> {
  const result: Record<string, string> = {}
  for (const pair of text.split(',')) {
    const at = pair.indexOf('=')
    if (at > 0)
      result[pair.slice(0, at).trim()] = unescapeProperty(pair.slice(at + 1))
  }
  return result
}

function annotation(kind: string, props: string, message: string): string {
  const p = properties(props)
  const where = p.file ? `${p.file}${p.line ? `:${p.line}` : ''}: ` : ''
  const title = p.title ? `${p.title}: ` : ''
  return `${kind}: ${where}${title}${unescapeData(message)}`
}

/** A stateful printer: feed it lines in order, it returns what to show (or undefined). */
export function createRunLog(
  options: RunLogOptions
): (line: string) => string | undefined {
  let stopToken: string | undefined
  return line => {
    // Like the runner, commands may follow leading white space.
    const command = /^\s*::([\w-]+)(?: ([^:]*))?::(.*)$/i.exec(line)
    if (stopToken !== undefined) {
      if (command && command[1] === stopToken) stopToken = undefined
      return stopToken === undefined ? undefined : line
    }
    if (!command)
      return line.startsWith('[command]') ? `$ ${line.slice(9)}` : line
    const [, name, props = '', data] = command
    if (name === 'group') return `\n▸ ${unescapeData(data)}`
    if (name === 'debug')
      return options.debug ? `debug: ${unescapeData(data)}` : undefined
    if (ANNOTATIONS.has(name)) return annotation(name, props, data)
    if (name === 'stop-commands') stopToken = data
    return undefined
  }
}

/** Whether the demo shows debug lines: `--debug` or RUNNER_DEBUG=1. */
export function debugWanted(
  argv: readonly string[],
  env: NodeJS.ProcessEnv
): boolean {
  return argv.includes('--debug') || env.RUNNER_DEBUG === '1'
}
