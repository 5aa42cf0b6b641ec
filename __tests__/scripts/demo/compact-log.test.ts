// The demo's compact view of a step's log (scripts/demo/compact-log.ts):
// groups collapsed to a heading and a line count, annotations kept, and with
// --debug the whole log expanded as run-log.ts renders it.
import { expect, test } from 'vitest'
import { createCompactLog } from '../../../scripts/demo/compact-log.js'

function show(lines: string[], expanded = false): string[] {
  const log = createCompactLog({ expanded })
  return [...lines.flatMap(line => log.line(line)), ...log.end()]
}

test.each<[string, string[], boolean, string[]]>([
  [
    'a group is its heading and how many lines it holds',
    ['::group::Install Helm', 'Downloading', 'Verified', '::endgroup::'],
    false,
    ['▸ Install Helm (2 lines)']
  ],
  [
    'one line is said so',
    ['::group::Read Chart.yaml', 'hello 0.1.0', '::endgroup::'],
    false,
    ['▸ Read Chart.yaml (1 line)']
  ],
  [
    'an annotation in a group shows under its heading',
    ['::group::Look up', '::notice::already published', 'x', '::endgroup::'],
    false,
    ['▸ Look up (1 line)', 'notice: already published']
  ],
  [
    'lines outside groups show as they come',
    ['1 line to mirror', '::error::refused', 'done'],
    false,
    ['1 line to mirror', 'error: refused', 'done']
  ],
  [
    'debug lines and masks count for nothing',
    ['::group::G', '::debug::cache', '::add-mask::s3cret', '::endgroup::'],
    false,
    ['▸ G (0 lines)']
  ],
  [
    'a group left open shows when the step ends',
    ['::group::Sign', 'signed'],
    false,
    ['▸ Sign (1 line)']
  ],
  [
    'a group opened inside another closes the first',
    ['::group::A', 'a', '::group::B', 'b', 'c', '::endgroup::'],
    false,
    ['▸ A (1 line)', '▸ B (2 lines)']
  ],
  [
    'expanded: every line, debug lines included, groups as headings',
    ['::group::G', '::debug::cache', 'x', '::endgroup::', '::add-mask::s'],
    true,
    ['\n▸ G', 'debug: cache', 'x']
  ],
  [
    'after stop-commands, commands are text until the token, as on the runner',
    ['::set-output name=a::b', '::stop-commands::t', '::group::x', '::t::'],
    false,
    ['::group::x']
  ]
])('%s', (_name, lines, expanded, shown) => {
  expect(show(lines, expanded)).toEqual(shown)
})
