// mirror/action.yml, read once, and the input environment a runner gives it.
import fs from 'node:fs'
import path from 'node:path'
import { parse } from 'yaml'
import { repoRoot } from '../helpers/paths.js'

export interface MirrorActionYml {
  name: string
  description: string
  branding: { icon: string; color: string }
  inputs: Record<
    string,
    { description?: string; required?: boolean; default?: string }
  >
  outputs: Record<string, { description?: string }>
  runs: { using: string; main: string; post?: string }
}

export function mirrorActionYml(): MirrorActionYml {
  return parse(
    fs.readFileSync(path.join(repoRoot, 'mirror', 'action.yml'), 'utf8')
  ) as MirrorActionYml
}

/** INPUT_* for mirror/action.yml: its defaults (github.* filled in), then `inputs`. */
export function mirrorInputEnv(
  inputs: Record<string, string>,
  github: Record<string, string> = {}
): Record<string, string> {
  const spec = mirrorActionYml().inputs
  for (const name of Object.keys(inputs))
    if (!(name in spec))
      throw new Error(`mirror/action.yml has no input '${name}'`)
  const env: Record<string, string> = {}
  for (const [name, input] of Object.entries(spec)) {
    const value =
      inputs[name] ??
      (input.default ?? '').replace(
        /\$\{\{\s*github\.(\w+)\s*\}\}/g,
        (_m, key: string) => github[key] ?? ''
      )
    env[`INPUT_${name.toUpperCase()}`] = value
  }
  return env
}
