/**
 * Whether an explicit flush or shutdown is under way (the app's forceFlush/shutdown, exit
 * hooks). Exports made then are the last chance for what they carry, so the export backoff
 * lets them through to the backend.
 */
let depth = 0;

export function isExplicitFlush(): boolean {
  return depth > 0;
}

export async function duringExplicitFlush<T>(flush: () => Promise<T>): Promise<T> {
  depth++;
  try {
    return await flush();
  } finally {
    depth--;
  }
}
