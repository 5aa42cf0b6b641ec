// `npm run docs`: rewrites the inputs and outputs lists of README.md and
// mirror/README.md from action.yml and mirror/action.yml, the one place
// their descriptions are written. `--check` writes nothing and fails when a
// file differs from what would be written (the tests check the same).
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { replaceBlocks, type Block } from './docs/blocks.js'
import { referenceList } from './docs/reference.js'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

/** Each generated file, and the action.yml its lists come from. */
export const GENERATED = [
  { file: 'README.md', action: 'action.yml' },
  { file: 'mirror/README.md', action: 'mirror/action.yml' }
] as const

/** The blocks of one file, from its action.yml's text. */
export function blocksFor(actionYml: string): Block[] {
  return [
    { name: 'inputs', text: referenceList(actionYml, 'inputs') },
    { name: 'outputs', text: referenceList(actionYml, 'outputs') }
  ]
}

/** A file's text as `npm run docs` writes it. */
export function generated(repoRoot: string, file: string, action: string) {
  const read = (name: string) =>
    fs.readFileSync(path.join(repoRoot, name), 'utf8')
  return replaceBlocks(read(file), blocksFor(read(action)), file)
}

function main(): void {
  const check = process.argv.includes('--check')
  const stale: string[] = []
  for (const { file, action } of GENERATED) {
    const current = fs.readFileSync(path.join(root, file), 'utf8')
    const next = generated(root, file, action)
    if (next === current) continue
    if (check) stale.push(file)
    else fs.writeFileSync(path.join(root, file), next)
  }
  if (stale.length > 0) {
    console.error(
      `${stale.join(' and ')}: the inputs and outputs lists differ from the action.yml: run 'npm run docs' and commit.`
    )
    process.exitCode = 1
  }
}

if (
  process.argv[1] &&
  fileURLToPath(import.meta.url) === path.resolve(process.argv[1])
) {
  main()
}
