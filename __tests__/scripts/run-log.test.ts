import { describe, expect, test } from 'vitest'
import { createRunLog, debugWanted } from '../../scripts/run-log.js'

function show(lines: string[], debug = false): string[] {
  const render = createRunLog({ debug })
  return lines.flatMap(line => {
    const shown = render(line)
    return shown === undefined ? [] : [shown]
  })
}

describe('the demo shows the log as the run page does', () => {
  test.each<[string, string, string | undefined]>([
    ['a group is a heading', '::group::Install Helm', '\n▸ Install Helm'],
    ['its end is not shown', '::endgroup::', undefined],
    ['a mask is not shown', '::add-mask::s3cret', undefined],
    ['a debug line is hidden', '::debug::checking cache', undefined],
    ['plain text is kept', 'Pushed: x:1.0.0', 'Pushed: x:1.0.0'],
    [
      'a command line is shown as one',
      '[command]/bin/helm lint c',
      '$ /bin/helm lint c'
    ],
    ['an error', '::error::No tag%0Aset one', 'error: No tag\nset one'],
    [
      'an error on a file and line',
      '::error file=charts/a/Chart.yaml,line=5::Tag v2 does not release 1.0%25',
      'error: charts/a/Chart.yaml:5: Tag v2 does not release 1.0%'
    ],
    [
      'a warning with a title',
      '::warning title=Left alone::a%3A b',
      'warning: Left alone: a%3A b'
    ],
    ['a notice', '::notice::No pin', 'notice: No pin'],
    ['leading spaces do not hide a command', '   ::warning::x', 'warning: x'],
    ['another command is hidden', '::set-output name=x::y', undefined]
  ])('%s', (_, line, shown) => {
    expect(show([line])).toEqual(shown === undefined ? [] : [shown])
  })

  test('debug lines are shown when asked for', () => {
    expect(show(['::debug::checking cache%0Anot found'], true)).toEqual([
      'debug: checking cache\nnot found'
    ])
  })

  test('between ::stop-commands:: and its token, lines are text', () => {
    expect(
      show([
        '::stop-commands::tok-1',
        '::error::from a chart',
        '::endgroup::',
        '::tok-1::',
        '::error::real'
      ])
    ).toEqual(['::error::from a chart', '::endgroup::', 'error: real'])
  })

  test.each<[string[], Record<string, string>, boolean]>([
    [[], {}, false],
    [['--debug'], {}, true],
    [[], { RUNNER_DEBUG: '1' }, true],
    [[], { RUNNER_DEBUG: '0' }, false]
  ])('debugWanted(%j, %j) = %s', (argv, env, wanted) => {
    expect(debugWanted(argv, env)).toBe(wanted)
  })
})
