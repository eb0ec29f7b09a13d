/**
 * How env var text becomes a proposed config value. A value that cannot be read is passed on
 * as the raw text, so that the field's own check rejects it and env.ts warns, naming it.
 */
export const list = (raw: string) => raw.split(',').map((item) => item.trim()).filter(Boolean);

export function parseBoolean(raw: string): unknown {
  const value = raw.trim().toLowerCase();
  return value === 'true' ? true : value === 'false' ? false : raw;
}

export function parseNumber(raw: string): unknown {
  const value = raw.trim();
  return value !== '' && Number.isFinite(Number(value)) ? Number(value) : raw;
}

/** W3C-baggage-style `key=value,key2=value2` with percent-encoded values (OTel spec). */
export function parseKeyValueList(raw: string): Record<string, string> | string {
  const result: Record<string, string> = {};
  for (const pair of list(raw)) {
    const index = pair.indexOf('=');
    if (index <= 0) return raw;
    try {
      result[decodeURIComponent(pair.slice(0, index).trim())] = decodeURIComponent(pair.slice(index + 1).trim());
    } catch {
      return raw;
    }
  }
  return result;
}
