// The runner simulation the injection tests rely on, and relay's detector
// agreeing with it.
import { describe, expect, test } from 'vitest'
import { mayHoldCommand } from '../../src/relay.js'
import { runnerCommands } from './runner-log-commands.js'

describe('runnerCommands', () => {
  test.each<[string, string[]]>([
    ['::error::x', ['error']],
    ['   ::warning file=a::x', ['warning']],
    ['\u0085::notice::x', ['notice']],
    ['text ::error::x', []],
    ['a\r::error::x', ['error']],
    ['see ##[error]x', ['error']],
    [
      '::stop-commands::T\n::error::x\n::t::\n::error::y',
      ['stop-commands', 'error']
    ],
    ['::stop-commands::T\n::error::x', ['stop-commands']]
  ])('%j', (log, names) => {
    expect(runnerCommands(log).map(c => c.name)).toEqual(names)
  })
})

describe('mayHoldCommand finds every line the runner would run', () => {
  test.each([
    'x\n::error::y',
    'x\n \t::error::y',
    'x\n\u0085::error::y',
    'x\r::error::y',
    'x ##[warning]y'
  ])('%j', text => {
    expect(runnerCommands(text).length).toBeGreaterThan(0)
    expect(mayHoldCommand(text)).toBe(true)
  })
})
