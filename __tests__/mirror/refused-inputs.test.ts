// A mirror run refused at its inputs still sets every output and writes a
// summary naming the refusal, shown as text.
import fs from 'node:fs'
import path from 'node:path'
import * as core from '@actions/core'
import { afterAll, afterEach, beforeEach, expect, test } from 'vitest'
import { UserError } from '../../src/errors.js'
import {
  REFUSED_INPUTS_TITLE,
  reportRefusedInputs
} from '../../src/mirror/refused-inputs.js'
import { parseFileCommand } from '../helpers/action-runner.js'
import { removeDir, tempDir } from '../helpers/paths.js'

// core.summary keeps the first summary path it sees: one file for the whole file.
const summaryDir = tempDir()
afterAll(() => removeDir(summaryDir))
let dir: string
let saved: NodeJS.ProcessEnv
beforeEach(() => {
  saved = { ...process.env }
  dir = tempDir()
  process.env.GITHUB_OUTPUT = path.join(dir, 'output')
  process.env.GITHUB_STEP_SUMMARY = path.join(summaryDir, 'summary')
  fs.writeFileSync(process.env.GITHUB_OUTPUT, '')
  fs.writeFileSync(process.env.GITHUB_STEP_SUMMARY, '')
})
afterEach(() => {
  core.summary.emptyBuffer()
  process.env = saved
  removeDir(dir)
})

test('every output is set: nothing read or copied, the counts of versions unknown', async () => {
  await reportRefusedInputs(new UserError("Line 2 of 'charts': bad"))
  const outputs = parseFileCommand(
    fs.readFileSync(path.join(dir, 'output'), 'utf8')
  )
  expect(outputs).toEqual({
    mirrored: '[]',
    copied: '0',
    skipped: '',
    refused: ''
  })
})

test('the summary names the refusal, as text', async () => {
  await reportRefusedInputs(
    new UserError(
      'Line 2 of \'charts\' ("ftp://x/<img src=y> @team"): the scheme ftp:// is not supported. Write `oci://registry/path/name <version>`'
    )
  )
  const html = fs.readFileSync(path.join(summaryDir, 'summary'), 'utf8')
  expect(html).toContain(`<h2>${REFUSED_INPUTS_TITLE}</h2>`)
  expect(html).toContain(
    'ftp://x/&#60;img src=y&#62; @&#8203;team&#34;): the scheme ftp://'
  )
  expect(html).toContain(
    '<code>oci://registry/path/name &#60;version&#62;</code>'
  )
  expect(html).not.toContain('<img')
})
