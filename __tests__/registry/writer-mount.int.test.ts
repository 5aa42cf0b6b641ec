// Cross-repository blob mounts against the real CNCF distribution registry:
// a blob of another repository is mounted without its bytes (201); one the
// registry does not have is not (202: the upload it opened is cancelled).
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { sha256 } from '../../src/registry/manifest-answer.js'
import { startFaultProxy, type FaultProxy } from '../helpers/fault-proxy.js'
import { startRegistry, type Registry } from '../helpers/registry.js'
import { userError, writer } from '../helpers/writer.js'

const USER = { username: 'robot', password: 'mount-s3cret' }
let registry: Registry
let proxy: FaultProxy

beforeAll(async () => {
  registry = await startRegistry({ users: { [USER.username]: USER.password } })
  proxy = await startFaultProxy(registry.url)
})
afterAll(async () => {
  await proxy?.stop()
  await registry?.stop()
})

describe('RegistryWriter.mountBlob', () => {
  test('mounts a blob of another repository without sending it', async () => {
    const client = writer(proxy.host, USER)
    const bytes = Buffer.from('a chart layer, say')
    const { digest } = await client.pushBlob('up/chart', bytes)
    proxy.clear()
    expect(await client.mountBlob('down/chart', digest, 'up/chart')).toBe(true)
    expect(proxy.requests.map(r => r.method)).toEqual(['POST'])
    expect(await client.blobExists('down/chart', digest)).toBe(true)
    expect((await client.getBlob('down/chart', digest)).equals(bytes)).toBe(
      true
    )
  })

  test('a blob the registry lacks is not mounted; the upload is cancelled', async () => {
    const client = writer(proxy.host, USER)
    const digest = sha256(Buffer.from('never pushed'))
    proxy.clear()
    expect(await client.mountBlob('down/chart', digest, 'up/chart')).toBe(false)
    // The first POST of a new client meets the registry's 401 (Basic).
    const methods = proxy.requests.map(r => r.method)
    expect(methods.slice(-2)).toEqual(['POST', 'DELETE'])
    expect(methods).not.toContain('PUT')
    expect(await client.blobExists('down/chart', digest)).toBe(false)
  })

  test('refused credentials are not a mount: false, the caller uploads', async () => {
    const stranger = writer(proxy.host, { username: 'x', password: 'wrong' })
    const digest = sha256(Buffer.from('a chart layer, say'))
    expect(await stranger.mountBlob('down/other', digest, 'up/chart')).toBe(
      false
    )
  })

  test('names that are not repositories or digests are refused', async () => {
    const client = writer(proxy.host, USER)
    const digest = sha256(Buffer.from('x'))
    expect(
      (await userError(client.mountBlob('Bad', digest, 'up'))).message
    ).toMatch(/not a valid OCI repository name/)
    expect(
      (await userError(client.mountBlob('down', digest, '../up'))).message
    ).toMatch(/not a valid OCI repository name/)
    expect(
      (await userError(client.mountBlob('down', 'nope', 'up'))).message
    ).toMatch(/not a valid OCI digest/)
  })
})
