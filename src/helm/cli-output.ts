// What Helm prints, read: the digest of a push, the useful part of a failure,
// and each chart's part of one `helm lint` or `helm package` run over several
// charts. Pure: cli.ts runs the commands. The formats were read off Helm
// 3.17.3, 4.1.4 and 4.2.3: the same in all three (see cli-output.test.ts).

/** A finished Helm process, as @actions/exec reports it. */
export interface HelmOutput {
  exitCode: number
  stdout: string
  stderr: string
}

/** One chart's `helm lint`; see `Helm.lintCharts` in cli.ts. */
export interface ChartLint {
  dir: string
  /** Its part of Helm's output, from the command line on, for the log. */
  output: string[]
  /** The refusal, when Helm found errors in this chart. */
  error?: string
}

/** One chart's `helm package`; see `Helm.packageCharts` in cli.ts. */
export interface ChartPackage {
  dir: string
  output: string[]
  /** The .tgz, absolute; absent when Helm failed on this chart. */
  path?: string
  error?: string
}

/** One chart's part of a `helm lint` over several charts. */
export interface LintPart {
  dir: string
  /** What the log shows for this chart: its section and the lines of no chart. */
  lines: string[]
  /** Its `[ERROR]` messages with their continuation lines; empty: it passed. */
  errors: string[]
}

/** One chart's part of a `helm package` over several charts. */
export interface PackagePart {
  dir: string
  lines: string[]
  /** Where Helm saved the package, as it printed it; absent when it failed. */
  saved?: string
  /** Helm's error, when packaging this chart failed. */
  error?: string
}

/** What `helm push` reports. */
export interface PushResult {
  /** `host/repository/name:tag`, as Helm reported it. */
  pushedRef: string
  digest: string
}

/** Reads `Pushed:` and `Digest:` lines out of `helm push` output. */
export function parsePushOutput(output: string): PushResult {
  const pushed = /^Pushed:\s*(\S+)/m.exec(output)
  const digest = /^Digest:\s*(sha256:[0-9a-f]{64})/m.exec(output)
  if (!pushed || !digest) {
    throw new Error(
      `helm push did not report what it pushed:\n${output.trim()}`
    )
  }
  return { pushedRef: pushed[1], digest: digest[1] }
}

/** The useful part of Helm's failure output: its `Error:` line, else the last lines. */
export function helmError(result: { stdout: string; stderr: string }): string {
  const text = `${result.stderr}\n${result.stdout}`
  const error = /^Error:\s*(.+)$/m.exec(text)
  if (error) return error[1].trim()
  const lines = text
    .split('\n')
    .map(l => l.trim())
    .filter(Boolean)
  return lines.slice(-3).join(' ') || 'no output'
}

/** A lint failure's lines when the output has no section to read them from. */
function lintErrors(output: string): string {
  const errors = output
    .split('\n')
    .filter(line => /\[ERROR\]|^Error:/.test(line))
  return (errors.length ? errors : output.trim().split('\n').slice(-5)).join(
    '\n'
  )
}

/**
 * Each chart's `helm lint` result, its output headed by `command`; undefined
 * when a failed run of several charts cannot be split per chart (then lint
 * them one by one). A single chart Helm failed is refused whatever its output.
 */
export function lintResults(
  dirs: readonly string[],
  result: HelmOutput,
  command: string
): ChartLint[] | undefined {
  const parts = splitLintOutput(dirs, result)
  if (parts) {
    return parts.map(part => ({
      dir: part.dir,
      output: [command, ...part.lines],
      error: part.errors.length
        ? lintFailure(part.dir, part.errors.join('\n'))
        : undefined
    }))
  }
  if (dirs.length !== 1) return undefined
  const output = `${result.stdout}${result.stderr}`
  return [
    {
      dir: dirs[0],
      output: [command, ...output.trimEnd().split('\n')],
      error: lintFailure(dirs[0], lintErrors(output))
    }
  ]
}

function lintFailure(chartDir: string, errors: string): string {
  return `helm lint found errors in ${chartDir}; fix them or set 'lint: false':\n${errors}`
}

/** `N chart(s) linted, M chart(s) failed`: stdout when all pass, else stderr after `Error: `. */
const LINT_SUMMARY =
  /^(?:Error: )?(\d+) chart\(s\) linted, (\d+) chart\(s\) failed$/

/**
 * Each chart's part of `helm lint dir1 dir2 …`. Helm prints a section per
 * chart, in the order given, each opened by `==> Linting <dir as given>`; a
 * chart failed when its section has an `[ERROR]` (or, for a chart it could not
 * load, an `Error …`) line. When Helm failed, undefined unless every section is
 * found exactly once, in order, and the failed sections are as many as Helm's
 * own count: a split that might be wrong must not pass a chart Helm failed.
 */
export function splitLintOutput(
  dirs: readonly string[],
  result: HelmOutput
): LintPart[] | undefined {
  const sections = lintSections(dirs, result.stdout)
  const stderr = lines(result.stderr)
  if (result.exitCode === 0) {
    // Helm passed every chart: the split only decides what each log shows.
    const whole = [...lines(result.stdout), ...stderr]
    return dirs.map((dir, i) => ({
      dir,
      lines: sections ? sections.of(i, stderr) : whole,
      errors: []
    }))
  }
  if (!sections) return undefined
  const parts = dirs.map((dir, i) => ({
    dir,
    lines: sections.of(i, stderr),
    errors: errorLines(sections.own[i])
  }))
  // The last one: Helm prints its summary after everything a chart can echo.
  const summary = stderr
    .map(line => LINT_SUMMARY.exec(line))
    .filter(match => match !== null)
    .at(-1)
  const failed = parts.filter(p => p.errors.length > 0).length
  const consistent =
    summary !== undefined &&
    Number(summary[1]) === dirs.length &&
    Number(summary[2]) === failed &&
    failed > 0
  return consistent ? parts : undefined
}

interface LintSections {
  /** Each chart's lines, from its `==> Linting` line on. */
  own: string[][]
  /**
   * Its lines with those of no chart (before the first section, after the
   * last, stderr), in Helm's order. Helm's count of all the charts is left out
   * when there are several: next to one chart's passing lint it misleads.
   */
  of(index: number, stderr: string[]): string[]
}

function lintSections(
  dirs: readonly string[],
  stdout: string
): LintSections | undefined {
  const text = `\n${stdout}`
  const starts: number[] = []
  for (const dir of dirs) {
    // The whole header with its line ends: a folder name may hold a newline.
    const header = `\n==> Linting ${dir}\n`
    const at = text.indexOf(header)
    const previous = starts.at(-1) ?? -1
    if (at <= previous || text.includes(header, at + 1)) return undefined
    starts.push(at)
  }
  const before = lines(text.slice(1, starts[0]))
  const own = starts.map((start, i) =>
    lines(text.slice(start + 1, starts[i + 1] ?? text.length))
  )
  const last = own.at(-1) ?? []
  const after =
    last.length > 1 && LINT_SUMMARY.test(last.at(-1) ?? '')
      ? trimEnd(last.splice(-1))
      : []
  own.forEach((section, i) => (own[i] = trimEnd(section)))
  const several = dirs.length > 1
  return {
    own,
    of: (index, stderr) => [
      ...before,
      ...own[index],
      ...[...after, ...stderr].filter(l => !several || !LINT_SUMMARY.test(l))
    ]
  }
}

/** `[ERROR]` and `Error` lines, with the tab-indented lines that continue them. */
function errorLines(section: readonly string[]): string[] {
  const errors: string[] = []
  let continues = false
  for (const line of section) {
    if (/^(?:\[ERROR\]|Error[: ])/.test(line)) {
      errors.push(line)
      continues = true
    } else if (continues && /^\s+\S/.test(line)) {
      errors.push(line)
    } else {
      continues = false
    }
  }
  return errors
}

/**
 * Helm's whole error of a failed render, its lines as Helm wrote them: from
 * the `Error:` line (warnings before it left out) to the end, without the
 * "Use --debug flag…" hint pkg/cmd/template.go adds to a failure. A schema's
 * failure names each value and the rule it breaks on the lines after its
 * "…chart(s):" line (pkg/chart/common/util/values.go, ToRenderValues, over
 * jsonschema.go's ValidateAgainstSchema: one line per violation), and
 * Helm 4 writes a template's failure over indented lines: all of it is the
 * error. Unbounded here: the preview clips what it shows (render/preview.ts).
 */
export function templateError(result: {
  stdout: string
  stderr: string
}): string {
  const lines = result.stderr.split('\n')
  const start = lines.findIndex(line => line.startsWith('Error:'))
  if (start < 0) return helmError(result)
  const block = lines.slice(start)
  block[0] = block[0].slice('Error:'.length).trimStart()
  while (block.length > 1 && isTrailer(block.at(-1) ?? '')) block.pop()
  return block.map(line => line.trimEnd()).join('\n')
}

/** Blank lines and Helm's hint after a failure, left out at the end. */
function isTrailer(line: string): boolean {
  return line.trim() === '' || DEBUG_HINT.test(line)
}

const DEBUG_HINT = /^Use --debug flag to render out invalid YAML\s*$/

const SAVED = /^Successfully packaged chart and saved it to: (.+)$/

/**
 * Each chart's part of `helm package dir1 dir2 …`. Helm packages the charts
 * in order, printing where it saved each, and stops at the first failure (its
 * `Error:` names no chart): the charts before it are saved, the failure is the
 * next one's, and those after it were not tried (`rest`, for another run).
 */
export function splitPackageOutput(
  dirs: readonly string[],
  result: HelmOutput
): { parts: PackagePart[]; rest: string[] } {
  const stdout = lines(result.stdout)
  const stderr = lines(result.stderr)
  const parts: PackagePart[] = []
  let from = 0
  stdout.forEach((line, i) => {
    const saved = SAVED.exec(line)
    if (!saved) return
    if (parts.length === dirs.length) {
      throw new Error(
        `helm package reported more packages than the ${dirs.length} charts it was given:\n${result.stdout}`
      )
    }
    parts.push({
      dir: dirs[parts.length],
      lines: stdout.slice(from, i + 1),
      saved: saved[1]
    })
    from = i + 1
  })
  const unread = [...stdout.slice(from), ...stderr]
  if (result.exitCode === 0) {
    if (parts.length < dirs.length) {
      throw new Error(
        `helm package saved ${parts.length} of the ${dirs.length} charts it was given, yet succeeded:\n${result.stdout}`
      )
    }
    return { parts: parts.map(p => withLines(p, unread)), rest: [] }
  }
  const error = helmError(result)
  if (parts.length === dirs.length) {
    // Failed after saving every chart: no package of this run is trusted.
    const failed = parts.map(p => ({ dir: p.dir, lines: p.lines, error }))
    return { parts: failed.map(p => withLines(p, unread)), rest: [] }
  }
  parts.push({ dir: dirs[parts.length], lines: unread, error })
  return { parts, rest: dirs.slice(parts.length) }
}

function withLines(part: PackagePart, more: readonly string[]): PackagePart {
  return { ...part, lines: [...part.lines, ...more] }
}

function lines(text: string): string[] {
  return text ? trimEnd(text.split('\n')) : []
}

/** Without the empty lines at the end (Helm ends each lint section with one). */
function trimEnd(list: string[]): string[] {
  let end = list.length
  while (end > 0 && list[end - 1].trim() === '') end--
  return list.slice(0, end)
}
