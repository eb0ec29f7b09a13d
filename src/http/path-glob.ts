/**
 * URL path globs, compiled once at setup: `*` matches within one segment, `**` across
 * segments, `?` one character. A query string on the path is ignored.
 */
export type PathMatcher = (path: string) => boolean;

export function compilePathGlob(glob: string): RegExp {
  let pattern = '';
  for (let i = 0; i < glob.length; i++) {
    const char = glob[i]!;
    if (char === '*' && glob[i + 1] === '*') {
      pattern += '.*';
      i++;
    } else if (char === '*') {
      pattern += '[^/]*';
    } else if (char === '?') {
      pattern += '[^/]';
    } else {
      pattern += char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
    }
  }
  // A trailing slash is optional: '/health' matches '/health/' and vice versa.
  return new RegExp(`^${pattern.replace(/\/$/, '')}/?$`);
}

export function stripQuery(path: string): string {
  const index = path.search(/[?#]/);
  return index === -1 ? path : path.slice(0, index);
}

/** One matcher for a list of globs; exact paths are looked up in a Set. */
export function pathMatcher(globs: readonly string[]): PathMatcher {
  const exact = new Set<string>();
  const patterns: RegExp[] = [];
  for (const glob of globs) {
    if (/[*?]/.test(glob)) patterns.push(compilePathGlob(glob));
    else exact.add(glob.replace(/\/$/, '') || '/');
  }
  return (rawPath) => {
    const path = stripQuery(rawPath);
    return exact.has(path.replace(/\/$/, '') || '/') || patterns.some((pattern) => pattern.test(path));
  };
}
