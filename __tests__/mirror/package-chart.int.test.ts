// A chart package's name and version read as `helm push` reads them, checked
// against real Helm 3 and 4 (`helm show chart` loads a package as push
// does): for every archive below, the mirror either refuses it or reads
// exactly what Helm reads. The hostile ones are built byte by byte so that
// Helm reads another chart than the plain Chart.yaml says.
import { execFile } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { promisify } from 'node:util'
import { gzipSync } from 'node:zlib'
import { afterAll, describe, expect, test } from 'vitest'
import { parse } from 'yaml'
import { Refused } from '../../src/mirror/artifact.js'
import {
  helmArchivePath,
  readPackageIdentity
} from '../../src/mirror/package-chart.js'
import { archive, END, entry, header, pax } from '../helm/tar-fixtures.js'
import { HELM3, HELM4, realHelm, removeDir, tempDir } from '../helpers/paths.js'

const exec = promisify(execFile)
const dir = tempDir('hor-package-chart-')
afterAll(() => removeDir(dir))

const M7 = 'apiVersion: v2\nname: m7\nversion: 1.0.0\n'
const VICTIM = 'apiVersion: v2\nname: victim\nversion: 2.0.0\n'
const chartYaml = (text: string, name = 'm7/Chart.yaml') => entry(name, text)
const template = entry(
  'm7/templates/cm.yaml',
  'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n'
)

/** Each archive, what Helm reads in it, and what the mirror makes of it. */
const CASES: { what: string; tar: Buffer; helm: string; mirror: string }[] = [
  {
    what: 'a plain package',
    tar: archive(chartYaml(M7), template, END),
    helm: 'm7 1.0.0',
    mirror: 'm7 1.0.0'
  },
  {
    what: 'a path cleaned as Go cleans it',
    tar: archive(chartYaml(M7, 'm7/./x/../Chart.yaml'), template, END),
    helm: 'm7 1.0.0',
    mirror: 'm7 1.0.0'
  },
  {
    what: 'keys in capitals',
    tar: archive(chartYaml('apiVersion: v2\nNAME: m7\nVERSION: 1.0.0\n'), END),
    helm: 'm7 1.0.0',
    mirror: 'm7 1.0.0'
  },
  {
    what: 'a long s (ſ) in a key, which Go folds to s',
    tar: archive(
      chartYaml('apiVersion: v2\nname: m7\nver\u017fion: 1.0.0\n'),
      END
    ),
    helm: 'm7 1.0.0',
    mirror: 'm7 1.0.0'
  },
  {
    what: 'requirements.yaml setting the name',
    tar: archive(chartYaml(M7), entry('m7/requirements.yaml', VICTIM), END),
    helm: 'victim 2.0.0',
    mirror: 'refused: its requirements.yaml sets name and version'
  },
  {
    what: 'a second top folder',
    tar: archive(chartYaml(M7), chartYaml(VICTIM, 'zz/Chart.yaml'), END),
    helm: 'victim 2.0.0',
    mirror: 'refused: it holds more than one top folder (m7, zz)'
  },
  {
    what: 'a Windows path to a second Chart.yaml',
    tar: archive(chartYaml(M7), chartYaml(VICTIM, 'm7\\Chart.yaml'), END),
    helm: 'victim 2.0.0',
    mirror: 'refused: it holds Chart.yaml twice'
  },
  {
    what: 'a second name key',
    tar: archive(chartYaml(`${M7}name: victim\n`), END),
    helm: 'victim 1.0.0',
    mirror: 'refused: its Chart.yaml sets name more than once'
  },
  {
    what: 'a merge key after the name',
    tar: archive(chartYaml(`${M7}<<: {name: victim}\n`), END),
    helm: 'victim 1.0.0',
    mirror: 'refused: its Chart.yaml uses a YAML merge key (<<) at its top'
  },
  {
    what: 'a binary name',
    tar: archive(
      chartYaml('apiVersion: v2\nname: !!binary dmljdGlt\nversion: 1.0.0\n'),
      END
    ),
    helm: 'victim 1.0.0',
    mirror: 'refused: its Chart.yaml has a key or value tagged'
  },
  {
    what: 'a version Helm reads as a number',
    tar: archive(chartYaml('apiVersion: v2\nname: m7\nversion: 1.10\n'), END),
    helm: 'm7 1.1',
    mirror: "refused: its Chart.yaml has 'version: 1.10'"
  },
  {
    what: 'a Chart.yaml hidden behind a replaced pax path',
    tar: archive(
      chartYaml(M7),
      pax({ path: 'm7/notes.txt' }),
      pax({ comment: 'replaces the record before' }),
      chartYaml(VICTIM),
      END
    ),
    helm: 'victim 2.0.0',
    mirror: 'refused: it holds Chart.yaml twice'
  },
  {
    what: 'a Chart.yaml hidden behind a GNU long name',
    tar: archive(
      chartYaml(M7),
      entry('././@LongLink', 'm7/Chart.yaml\0', { type: 'L', gnu: true }),
      pax({ path: 'm7/notes.txt' }),
      entry('m7/notes.txt', VICTIM),
      END
    ),
    helm: 'victim 2.0.0',
    mirror: 'refused: it holds Chart.yaml twice'
  },
  {
    what: 'a Chart.yaml hidden in an old-style folder',
    tar: (() => {
      const hidden = chartYaml(VICTIM)
      return archive(
        chartYaml(M7),
        header('m7/x/', { type: '\0', size: hidden.length }),
        hidden,
        END
      )
    })(),
    helm: 'victim 2.0.0',
    mirror: 'refused: it holds Chart.yaml twice'
  },
  {
    what: 'a Chart.yaml under ./',
    tar: archive(chartYaml(M7, './m7/Chart.yaml'), END),
    helm: 'error',
    mirror: 'refused: it holds no Chart.yaml in its top folder'
  },
  {
    what: 'an entry that is not tar (a broken GNU sparse header)',
    tar: archive(
      chartYaml(M7),
      entry('m7/x', 'x', { type: 'S', gnu: true }),
      END
    ),
    helm: 'error',
    mirror: 'refused: it is not a tar archive Helm can read'
  }
]

/** Writes the archive gzipped; returns its path. */
function write(what: string, tar: Buffer): string {
  const file = path.join(dir, `${what.replace(/\W+/g, '-')}.tgz`)
  fs.writeFileSync(file, gzipSync(tar))
  return file
}

/** What the mirror reads: `name version`, or `refused: why`. */
async function mirrorReads(file: string): Promise<string> {
  try {
    const { name, version } = await readPackageIdentity(file)
    return `${name} ${version}`
  } catch (error) {
    if (!(error instanceof Refused)) throw error
    return `refused: ${error.message}`
  }
}

/** What Helm reads: `name version`, or `error`. */
async function helmReads(version: string, file: string): Promise<string> {
  try {
    const { stdout } = await exec(realHelm(version), ['show', 'chart', file])
    const chart = parse(stdout, { schema: 'failsafe' }) as Record<
      string,
      string
    >
    return `${chart.name} ${chart.version}`
  } catch {
    return 'error'
  }
}

describe.each(CASES)('$what', ({ what, tar, helm, mirror }) => {
  const file = write(what, tar)

  test(`the mirror: ${mirror}`, async () => {
    const ours = await mirrorReads(file)
    if (mirror.startsWith('refused'))
      expect(ours.slice(0, mirror.length)).toBe(mirror)
    else expect(ours).toBe(mirror)
  })

  // Helm's own reading: what the refusals protect from, and what the
  // mirror must agree with whenever it does not refuse.
  test.each([HELM3, HELM4])(`Helm %s: ${helm}`, async version => {
    expect(await helmReads(version, file)).toBe(helm)
  })
})

test('a file that is not gzip, and an archive that is not tar, are refused', async () => {
  const text = path.join(dir, 'text.tgz')
  fs.writeFileSync(text, M7)
  expect(await mirrorReads(text)).toBe('refused: it is not a gzip archive')
  const garbage = path.join(dir, 'garbage.tgz')
  fs.writeFileSync(garbage, gzipSync(Buffer.alloc(1024, 'x')))
  expect(await mirrorReads(garbage)).toMatch(
    /^refused: it is not a tar archive Helm can read \(a header's/
  )
})

test.each([
  ['m7/Chart.yaml', 'm7', 'Chart.yaml'],
  ['m7/./a//b/../Chart.yaml', 'm7', 'a/Chart.yaml'],
  ['./m7/Chart.yaml', '.', 'm7/Chart.yaml'],
  ['m7\\Chart.yaml', 'm7', 'Chart.yaml'],
  ['m7/x\\Chart.yaml', 'm7/x', 'Chart.yaml'],
  ['m7/templates/', 'm7', 'templates'],
  ['m7', 'm7', '.'],
  ['m7/../..', 'm7', '../..']
])('helmArchivePath(%j): top %j, path %j', (name, top, where) => {
  expect(helmArchivePath(name)).toEqual({ top, path: where })
})
