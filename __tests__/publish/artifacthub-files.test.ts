// Which artifacthub-repo.yml goes to which chart repository: the default next
// to Chart.yaml, the input's file, none; once per repository; refused when
// outside the workspace, too large, missing, or one ID for several charts.
import fs from 'node:fs'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest'
import type { ArtifactHubInput } from '../../src/inputs/release.js'
import {
  MAX_METADATA_BYTES,
  metadataFiles,
  type MetadataChart
} from '../../src/publish/artifacthub-files.js'
import { removeDir, tempDir } from '../helpers/paths.js'

const ID = 'b8a9a5f6-1c2d-4e3f-8a9b-0c1d2e3f4a5b'
const OWNERS = 'owners:\n  - email: me@example.com\n'
let root: string
let workspace: string
let outside: string

function chart(name: string): MetadataChart {
  const dir = path.join(workspace, 'charts', name)
  fs.mkdirSync(dir, { recursive: true })
  return {
    dir,
    repositoryPath: `acme/charts/${name}`,
    ref: `oci://registry.test/acme/charts/${name}`
  }
}

function write(file: string, text: string): void {
  fs.writeFileSync(path.join(workspace, file), text)
}

beforeEach(() => {
  root = tempDir('hor-ah-files-')
  workspace = path.join(root, 'ws')
  outside = path.join(root, 'outside')
  fs.mkdirSync(workspace)
  fs.mkdirSync(outside)
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true)
})
afterEach(() => {
  vi.restoreAllMocks()
  removeDir(root)
})

const AUTO: ArtifactHubInput = { kind: 'auto' }

describe('which file goes where', () => {
  test('by default, the file next to each Chart.yaml that has one', () => {
    const charts = [chart('a'), chart('b')]
    write('charts/a/artifacthub-repo.yml', OWNERS)
    const files = metadataFiles(AUTO, charts, workspace)
    expect(files.map(f => [f.repositoryPath, f.file])).toEqual([
      ['acme/charts/a', 'charts/a/artifacthub-repo.yml']
    ])
    expect(files[0].bytes.toString()).toBe(OWNERS)
  })

  test("'false': none, even when there is one", () => {
    const charts = [chart('a')]
    write('charts/a/artifacthub-repo.yml', OWNERS)
    expect(metadataFiles({ kind: 'off' }, charts, workspace)).toEqual([])
  })

  test("the input's file goes to every chart's repository, once each", () => {
    write('ah.yml', OWNERS)
    const a = chart('a')
    const files = metadataFiles(
      { kind: 'file', path: 'ah.yml' },
      [a, chart('b'), a],
      workspace
    )
    expect(files.map(f => [f.repositoryPath, f.file])).toEqual([
      ['acme/charts/a', 'ah.yml'],
      ['acme/charts/b', 'ah.yml']
    ])
  })

  test('a key Artifact Hub does not read is warned about, with the file', () => {
    const written: string[] = []
    vi.mocked(process.stdout.write).mockImplementation(chunk => {
      written.push(String(chunk))
      return true
    })
    const a = chart('a')
    write('charts/a/artifacthub-repo.yml', `${OWNERS}owner: me\n`)
    metadataFiles(AUTO, [a], workspace)
    expect(written.join('')).toContain(
      "::warning file=charts/a/artifacthub-repo.yml::charts/a/artifacthub-repo.yml has 'owner', which Artifact Hub does not read"
    )
  })
})

describe('refused before anything is sent', () => {
  const refusal = (input: ArtifactHubInput, charts: MetadataChart[]) => {
    try {
      metadataFiles(input, charts, workspace)
    } catch (error) {
      return (error as Error).message
    }
    throw new Error('expected a refusal')
  }

  test('a missing file', () => {
    expect(refusal({ kind: 'file', path: 'nope.yml' }, [chart('a')])).toMatch(
      /^Input 'artifacthub-repo' names nope\.yml, but there is no such file in the workspace\./
    )
  })

  test('a folder or a dangling link where the default file goes', () => {
    const a = chart('a')
    fs.symlinkSync('gone.yml', path.join(a.dir, 'artifacthub-repo.yml'))
    expect(refusal(AUTO, [a])).toMatch(
      /^charts\/a\/artifacthub-repo\.yml is not a file \(a link to nothing, or a folder\).*'artifacthub-repo: false'/
    )
  })

  test('a link that leads out of the workspace', () => {
    fs.writeFileSync(path.join(outside, 'secret'), OWNERS)
    const a = chart('a')
    fs.symlinkSync(
      path.join(outside, 'secret'),
      path.join(a.dir, 'artifacthub-repo.yml')
    )
    expect(refusal(AUTO, [a])).toMatch(
      /^charts\/a\/artifacthub-repo\.yml resolves to .*outside.*secret, outside the workspace/
    )
  })

  test('a file over the bound', () => {
    write('big.yml', `${OWNERS}#${'x'.repeat(MAX_METADATA_BYTES)}\n`)
    expect(refusal({ kind: 'file', path: 'big.yml' }, [chart('a')])).toMatch(
      /^big\.yml is \d+ bytes, more than the 65536/
    )
  })

  test('a file Artifact Hub would not read', () => {
    const a = chart('a')
    write('charts/a/artifacthub-repo.yml', 'repositoryID: nope\n')
    expect(refusal(AUTO, [a])).toMatch(/is not a UUID/)
  })

  test('one repositoryID for several chart repositories', () => {
    write('ah.yml', `repositoryID: ${ID}\n`)
    expect(
      refusal({ kind: 'file', path: 'ah.yml' }, [chart('a'), chart('b')])
    ).toMatch(
      /whose repositoryID would go to 2 chart repositories .*Put an artifacthub-repo\.yml next to each Chart\.yaml/
    )
  })
})
