// Keys of parsed data (YAML from a GitOps file or a chart, JSON from a
// registry) are data. In JavaScript, `map['__proto__']` reads the object's
// prototype and `map['__proto__'] = x` replaces it: a key of that name would
// vanish from the data, and a path walked through it would write into
// `Object.prototype`, under every object of the run. Go's maps (Helm, Argo
// CD, Flux, Kustomize) have no such key, so these helpers make it one more
// key, read and written as the tools read and write it.

/** `map[key]` when `key` is the map's own: never what `map` inherits. */
export function ownValue(map: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(map, key) ? map[key] : undefined
}

/** `map[key] = value` as an own key: `__proto__` is data, never the prototype. */
export function setOwn(
  map: Record<string, unknown>,
  key: string,
  value: unknown
): void {
  Object.defineProperty(map, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true
  })
}
