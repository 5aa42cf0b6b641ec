// A forward proxy on loopback: HTTP CONNECT tunnels (for https targets) and
// absolute-URI requests (for http targets). It records every target it
// carried, and resolves host names through its own `hosts` map, so a test can
// use a name only the proxy knows: a client can reach it through the proxy and
// nowhere else. With `routes`, it carries only the host:port pairs listed
// (each to a loopback server of the test) and refuses every other target
// with 502 without connecting anywhere: a test can use a real service's name
// (fulcio.sigstore.dev:443) and is sure never to reach the real one.
import http from 'node:http'
import net from 'node:net'
import type { AddressInfo } from 'node:net'

export interface ProxiedTarget {
  kind: 'connect' | 'forward'
  /** host:port as the client asked for it. */
  target: string
  /** Whether the client sent a Proxy-Authorization header. */
  proxyAuthorization: boolean
}

export interface ConnectProxy {
  /** http://127.0.0.1:port, for HTTPS_PROXY / HTTP_PROXY. */
  url: string
  port: number
  targets: ProxiedTarget[]
  stop(): Promise<void>
}

export interface ConnectProxyOptions {
  /** Host name -> address the proxy connects to (e.g. registry.test -> 127.0.0.1). */
  hosts?: Record<string, string>
  /**
   * host:port -> host:port the proxy connects to instead (e.g.
   * fulcio.sigstore.dev:443 -> 127.0.0.1:41234); every other target is refused.
   */
  routes?: Record<string, string>
}

export async function startConnectProxy(
  options: ConnectProxyOptions = {}
): Promise<ConnectProxy> {
  const hosts = options.hosts ?? {}
  const routes = options.routes
  const resolve = (host: string): string =>
    Object.hasOwn(hosts, host) ? hosts[host] : host
  /** Where host:port goes: [host, port], or undefined when it is refused. */
  const destination = (
    host: string,
    port: number
  ): [string, number] | undefined => {
    if (!routes) return [resolve(host), port]
    const routed = routes[`${host}:${port}`] as string | undefined
    if (routed === undefined) return undefined
    const colon = routed.lastIndexOf(':')
    return [routed.slice(0, colon), Number(routed.slice(colon + 1))]
  }
  const targets: ProxiedTarget[] = []
  const sockets = new Set<net.Socket>()

  const server = http.createServer((req, res) => {
    // Absolute-URI form: GET http://host:port/path HTTP/1.1
    let url: URL
    try {
      url = new URL(req.url ?? '')
    } catch {
      res.writeHead(400)
      res.end('absolute URI required')
      return
    }
    targets.push({
      kind: 'forward',
      target: url.host,
      proxyAuthorization: req.headers['proxy-authorization'] !== undefined
    })
    const headers = { ...req.headers }
    delete headers['proxy-authorization']
    const to = destination(url.hostname, Number(url.port || 80))
    if (!to) {
      res.writeHead(502)
      res.end(`no route to ${url.host}`)
      return
    }
    const upstream = http.request(
      {
        host: to[0],
        port: to[1],
        method: req.method,
        path: url.pathname + url.search,
        headers
      },
      answer => {
        res.writeHead(answer.statusCode ?? 502, answer.headers)
        answer.pipe(res)
      }
    )
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502)
      res.end()
    })
    req.pipe(upstream)
  })

  server.on(
    'connect',
    (req: http.IncomingMessage, client: net.Socket, head) => {
      sockets.add(client)
      const target = req.url ?? ''
      targets.push({
        kind: 'connect',
        target,
        proxyAuthorization: req.headers['proxy-authorization'] !== undefined
      })
      const colon = target.lastIndexOf(':')
      const to = destination(
        target.slice(0, colon),
        Number(target.slice(colon + 1))
      )
      if (!to) {
        client.end('HTTP/1.1 502 Bad Gateway\r\n\r\n')
        return
      }
      const upstream = net.connect(to[1], to[0])
      sockets.add(upstream)
      upstream.on('connect', () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
        if (head.length > 0) upstream.write(head)
        upstream.pipe(client)
        client.pipe(upstream)
      })
      upstream.on('error', () => {
        client.end('HTTP/1.1 502 Bad Gateway\r\n\r\n')
      })
      client.on('error', () => upstream.destroy())
      client.on('close', () => sockets.delete(client))
      upstream.on('close', () => sockets.delete(upstream))
    }
  )
  server.on('connection', socket => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })

  await new Promise<void>(r => server.listen(0, '127.0.0.1', r))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    targets,
    async stop() {
      for (const socket of sockets) socket.destroy()
      await new Promise(r => server.close(r))
    }
  }
}
