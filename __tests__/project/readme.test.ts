// The inputs and outputs lists of README.md and mirror/README.md name exactly
// their action.yml's inputs and outputs, in order: read from the page as a
// reader sees it, independently of the script that writes the lists.
import fs from 'node:fs'
import path from 'node:path'
import { parse } from 'yaml'
import { describe, expect, test } from 'vitest'
import { repoRoot } from '../helpers/paths.js'

function read(file: string): string {
  return fs.readFileSync(path.join(repoRoot, file), 'utf8')
}

/** The names the list under a `## heading` of a page gives, in order. */
function listedNames(page: string, heading: string): string[] {
  const section = page.split(`\n## ${heading}\n`)[1]?.split('\n## ')[0] ?? ''
  return section
    .split('\n')
    .map(line => /^- \*\*`([^`]+)`/.exec(line)?.[1])
    .filter((name): name is string => name !== undefined)
}

describe.each([
  ['README.md', 'action.yml'],
  ['mirror/README.md', 'mirror/action.yml']
])('%s', (file, actionFile) => {
  const page = read(file)
  const action = parse(read(actionFile)) as {
    inputs: Record<string, unknown>
    outputs: Record<string, unknown>
  }

  test(`lists exactly ${actionFile}'s inputs, in order`, () => {
    expect(listedNames(page, 'Inputs')).toEqual(Object.keys(action.inputs))
  })

  test(`lists exactly ${actionFile}'s outputs, in order`, () => {
    expect(listedNames(page, 'Outputs')).toEqual(Object.keys(action.outputs))
  })
})
