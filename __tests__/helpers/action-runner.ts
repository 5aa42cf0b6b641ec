// Runs the bundled action the way a GitHub runner does: inputs as INPUT_* with
// action.yml's defaults (expressions evaluated from a github context), the file
// commands (GITHUB_OUTPUT, GITHUB_STATE, GITHUB_STEP_SUMMARY), then the post entry
// with the state the main step saved.
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { parse } from 'yaml'
import { node24, repoRoot } from './paths.js'

export interface RunnerDirs {
  workspace: string
  temp: string
  toolCache: string
  home: string
}

export interface StepResult {
  exitCode: number | null
  stdout: string
  stderr: string
  outputs: Record<string, string>
  state: Record<string, string>
  /** What the step wrote to GITHUB_ENV, as the runner reads it (last wins). */
  env: Record<string, string>
  summary: string
}

export interface ActionRun {
  inputs?: Record<string, string>
  /** Values for `${{ github.X }}` in action.yml defaults. */
  github?: Record<string, string>
  env?: Record<string, string>
  dirs: RunnerDirs
  /** Called with the main process once it is running (e.g. to kill it). */
  onSpawn?: (pid: number) => void
  /** Called with each whole line the action prints, as it prints it (the demo). */
  echo?: (line: string) => void
  /** Another action.yml of this repository (e.g. mirror/action.yml); default the root's. */
  actionYmlPath?: string
}

interface ActionYml {
  inputs: Record<string, { default?: string }>
  runs: { main: string; post: string; 'post-if'?: string }
}

export function actionYml(
  file: string = path.join(repoRoot, 'action.yml')
): ActionYml {
  return parse(fs.readFileSync(file, 'utf8')) as ActionYml
}

/** The runner's input environment: defaults from action.yml, then the `with:` values. */
export function inputEnv(
  inputs: Record<string, string>,
  github: Record<string, string> = {},
  file?: string
): Record<string, string> {
  const env: Record<string, string> = {}
  const yml = actionYml(file)
  for (const [name, spec] of Object.entries(yml.inputs)) {
    const value = inputs[name] ?? evaluate(spec.default ?? '', github)
    env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value
  }
  for (const name of Object.keys(inputs)) {
    if (!(name in yml.inputs))
      throw new Error(`${file ?? 'action.yml'} has no input '${name}'`)
  }
  return env
}

function evaluate(value: string, github: Record<string, string>): string {
  return value.replace(
    /\$\{\{\s*github\.(\w+)\s*\}\}/g,
    (_m, key: string) => github[key] ?? ''
  )
}

/** Parses the `name<<DELIMITER` file-command format the runner reads. */
export function parseFileCommand(text: string): Record<string, string> {
  const result: Record<string, string> = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const heredoc = /^([^=<]+)<<(.+)$/.exec(lines[i])
    if (heredoc) {
      const end = lines.indexOf(heredoc[2], i + 1)
      result[heredoc[1]] = lines.slice(i + 1, end).join('\n')
      i = end
    } else if (lines[i].includes('=')) {
      const at = lines[i].indexOf('=')
      result[lines[i].slice(0, at)] = lines[i].slice(at + 1)
    }
  }
  return result
}

function runNode(
  entry: string,
  env: Record<string, string>,
  onSpawn?: (pid: number) => void,
  echo?: (line: string) => void
): Promise<{ exitCode: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(node24(), [entry], {
      env,
      stdio: ['ignore', 'pipe', 'pipe']
    })
    let stdout = ''
    let stderr = ''
    const outLines = lineSplitter(echo)
    const errLines = lineSplitter(echo)
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString()
      outLines.push(d.toString())
    })
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString()
      errLines.push(d.toString())
    })
    child.on('error', reject)
    child.on('close', exitCode => {
      outLines.end()
      errLines.end()
      resolve({ exitCode, stdout, stderr })
    })
    if (child.pid && onSpawn) onSpawn(child.pid)
  })
}

/** Hands `echo` whole lines out of a stream's chunks. */
function lineSplitter(echo?: (line: string) => void): {
  push(chunk: string): void
  end(): void
} {
  let partial = ''
  return {
    push(chunk) {
      if (!echo) return
      const lines = (partial + chunk).split('\n')
      partial = lines.pop() ?? ''
      lines.forEach(echo)
    },
    end() {
      if (echo && partial) echo(partial)
      partial = ''
    }
  }
}

function stepFiles(dirs: RunnerDirs, step: string): Record<string, string> {
  const files: Record<string, string> = {
    GITHUB_OUTPUT: path.join(dirs.temp, `${step}-output`),
    GITHUB_STATE: path.join(dirs.temp, `${step}-state`),
    GITHUB_STEP_SUMMARY: path.join(dirs.temp, `${step}-summary`),
    GITHUB_ENV: path.join(dirs.temp, `${step}-env`),
    GITHUB_PATH: path.join(dirs.temp, `${step}-path`)
  }
  for (const file of Object.values(files)) fs.writeFileSync(file, '')
  return files
}

function baseEnv(run: ActionRun): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: run.dirs.home,
    GITHUB_ACTIONS: 'true',
    CI: 'true',
    GITHUB_WORKSPACE: run.dirs.workspace,
    RUNNER_TEMP: run.dirs.temp,
    RUNNER_TOOL_CACHE: run.dirs.toolCache,
    RUNNER_OS: 'Linux',
    RUNNER_ARCH: 'X64',
    ...run.env
  }
}

async function runStep(
  entry: string,
  env: Record<string, string>,
  dirs: RunnerDirs,
  step: string,
  onSpawn?: (pid: number) => void,
  echo?: (line: string) => void
): Promise<StepResult> {
  const files = stepFiles(dirs, step)
  const result = await runNode(entry, { ...env, ...files }, onSpawn, echo)
  return {
    ...result,
    outputs: parseFileCommand(fs.readFileSync(files.GITHUB_OUTPUT, 'utf8')),
    state: parseFileCommand(fs.readFileSync(files.GITHUB_STATE, 'utf8')),
    env: parseFileCommand(fs.readFileSync(files.GITHUB_ENV, 'utf8')),
    summary: fs.readFileSync(files.GITHUB_STEP_SUMMARY, 'utf8')
  }
}

/** Runs the main entry of dist/ as the runner would. */
export function runMain(run: ActionRun): Promise<StepResult> {
  const file = run.actionYmlPath ?? path.join(repoRoot, 'action.yml')
  const env = {
    ...baseEnv(run),
    ...inputEnv(run.inputs ?? {}, run.github, file)
  }
  return runStep(
    // `runs.main` is relative to its action.yml (mirror/: `../dist/…`).
    path.resolve(path.dirname(file), actionYml(file).runs.main),
    env,
    run.dirs,
    'main',
    run.onSpawn,
    run.echo
  )
}

/** Runs the post entry with the state a main step saved (as STATE_* variables). */
export function runPost(
  run: ActionRun,
  state: Record<string, string>
): Promise<StepResult> {
  const stateEnv = Object.fromEntries(
    Object.entries(state).map(([k, v]) => [`STATE_${k}`, v])
  )
  const env = {
    ...baseEnv(run),
    ...inputEnv(run.inputs ?? {}, run.github),
    ...stateEnv
  }
  return runStep(
    path.join(repoRoot, actionYml().runs.post),
    env,
    run.dirs,
    'post'
  )
}

/** The lines a user sees in the log: the runner hides `::add-mask::` commands. */
export function visibleLog(result: {
  stdout: string
  stderr: string
}): string[] {
  return `${result.stdout}\n${result.stderr}`
    .split('\n')
    .filter(line => !line.startsWith('::add-mask::'))
}

/** Every file under `dir` whose bytes contain one of `needles`. */
export function filesContaining(dir: string, needles: string[]): string[] {
  const hits: string[] = []
  if (!fs.existsSync(dir)) return hits
  for (const entry of fs.readdirSync(dir, {
    recursive: true,
    withFileTypes: true
  })) {
    if (!entry.isFile()) continue
    const file = path.join(entry.parentPath, entry.name)
    if (fs.statSync(file).size > 5_000_000) continue
    const bytes = fs.readFileSync(file)
    if (needles.some(n => bytes.includes(n))) hits.push(file)
  }
  return hits
}

/** Fresh workspace, temp, tool cache and home folders for one simulated job. */
export function makeRunnerDirs(base: string): RunnerDirs {
  const dirs = {
    workspace: path.join(base, 'workspace'),
    temp: path.join(base, 'temp'),
    toolCache: path.join(base, 'tool-cache'),
    home: path.join(base, 'home')
  }
  for (const dir of Object.values(dirs)) fs.mkdirSync(dir, { recursive: true })
  return dirs
}
