/**
 * A memo of a pure function of a string with at most `capacity` entries. When full, the oldest
 * tenth is dropped (a Map iterates in insertion order): cheaper than a true LRU's reordering on
 * every hit, and traffic's repeated keys (the top user agents, a visitor's address during a visit)
 * are inserted again right away after a drop.
 */
export function boundedMemo<T>(capacity: number, compute: (key: string) => T): (key: string) => T {
  const entries = new Map<string, T>();
  const dropCount = Math.max(1, Math.floor(capacity / 10));
  return (key) => {
    const known = entries.get(key);
    if (known !== undefined || entries.has(key)) return known as T;
    const value = compute(key);
    if (entries.size >= capacity) {
      let dropped = 0;
      for (const oldest of entries.keys()) {
        entries.delete(oldest);
        if (++dropped >= dropCount) break;
      }
    }
    entries.set(key, value);
    return value;
  };
}
