// The README's input and output tables must match action.yml exactly.
import fs from 'node:fs'
import path from 'node:path'
import { parse } from 'yaml'
import { expect, test } from 'vitest'
import { repoRoot } from '../helpers/paths.js'

const readme = fs.readFileSync(path.join(repoRoot, 'README.md'), 'utf8')
const action = parse(
  fs.readFileSync(path.join(repoRoot, 'action.yml'), 'utf8')
) as {
  inputs: Record<string, unknown>
  outputs: Record<string, unknown>
}

/** First-column names of the table under a `## heading`. */
function tableNames(heading: string): string[] {
  const section = readme.split(`\n## ${heading}\n`)[1]?.split('\n## ')[0] ?? ''
  return section
    .split('\n')
    .map(line => /^\|\s*`([^`]+)`\s*\|/.exec(line)?.[1])
    .filter((name): name is string => name !== undefined)
}

test("README's inputs table lists exactly action.yml's inputs, in order", () => {
  expect(tableNames('Inputs')).toEqual(Object.keys(action.inputs))
})

test("README's outputs table lists exactly action.yml's outputs, in order", () => {
  expect(tableNames('Outputs')).toEqual(Object.keys(action.outputs))
})
