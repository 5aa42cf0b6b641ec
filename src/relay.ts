// Text from outside the action (a GitOps file, a chart, a registry's answer, a
// child process's output) reaches the log through here, so that no line of it
// is taken by the runner for a workflow command (`::error::`, `::add-mask::`,
// `::stop-commands::`…; the runner also strips leading white space first).
// GitHub's documented way: stop command processing around relayed output.
// https://docs.github.com/actions/reference/workflows-and-actions/workflow-commands#stopping-and-starting-workflow-commands
import { randomUUID } from 'node:crypto'
import * as core from '@actions/core'

/**
 * True when some line of `text` could be read as a workflow command: `::` at
 * the start after white space (.NET's, which also counts U+0085), or the
 * legacy `##[`, which the runner honours anywhere on a line.
 */
export function mayHoldCommand(text: string): boolean {
  return /(^|[\r\n])(?:[^\S\r\n]|\u0085)*::|##\[/.test(text)
}

/**
 * Prints `text` as plain log lines. When a line could be a workflow command,
 * command processing is stopped around it with a fresh random token.
 */
export function relay(text: string): void {
  if (!mayHoldCommand(text)) {
    core.info(text)
    return
  }
  const token = stopToken(text)
  core.info(`::stop-commands::${token}`)
  core.info(text)
  core.info(`::${token}::`)
}

/**
 * Runs `work`, which streams a child process's output into the log, with
 * command processing stopped until it ends. Nothing the action itself needs
 * the runner to read (masks, annotations, groups) may be issued inside.
 */
export async function withCommandsStopped<T>(
  work: () => Promise<T>
): Promise<T> {
  const token = stopToken('')
  core.info(`::stop-commands::${token}`)
  try {
    return await work()
  } finally {
    core.info(`::${token}::`)
  }
}

/**
 * A name (a file path, a chart name) as it can be shown on one log line and in
 * an annotation: control characters (newlines above all) escaped, JSON-style.
 */
export function showable(name: string): string {
  // eslint-disable-next-line no-control-regex
  return /[\u0000-\u001f\u007f\u2028\u2029]/.test(name)
    ? JSON.stringify(name)
    : name
}

/** True when `name` holds a character that cannot be shown on one line. */
export function hasControlCharacters(name: string): boolean {
  return showable(name) !== name
}

function stopToken(text: string): string {
  let token = randomUUID()
  while (text.includes(token)) token = randomUUID()
  return token
}
