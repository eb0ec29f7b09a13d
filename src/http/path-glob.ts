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

const QUESTION_MARK = 63;
const HASH = 35;
const SLASH = 47;

// Runs for every incoming request (ignored paths, sampler rules, the metrics endpoint): a
// scan of char codes, not a regular expression.
export function stripQuery(path: string): string {
  for (let i = 0; i < path.length; i++) {
    const code = path.charCodeAt(i);
    if (code === QUESTION_MARK || code === HASH) return path.slice(0, i);
  }
  return path;
}

/** Without one trailing slash; '/' stays '/'. */
function withoutTrailingSlash(path: string): string {
  return path.length > 1 && path.charCodeAt(path.length - 1) === SLASH ? path.slice(0, -1) : path || '/';
}

/** One matcher for a list of globs; exact paths are looked up in a Set. */
export function pathMatcher(globs: readonly string[]): PathMatcher {
  const exact = new Set<string>();
  const patterns: RegExp[] = [];
  for (const glob of globs) {
    if (/[*?]/.test(glob)) patterns.push(compilePathGlob(glob));
    else exact.add(withoutTrailingSlash(glob));
  }
  return (rawPath) => {
    const path = stripQuery(rawPath);
    return exact.has(withoutTrailingSlash(path)) || patterns.some((pattern) => pattern.test(path));
  };
}
