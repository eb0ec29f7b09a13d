/**
 * Prometheus durations ('90s', '5m', '1h30m', '30d'), as the `for:` of a rule and the window
 * of an objective are written: the units Prometheus reads, largest first, each at most once.
 */
const UNIT_SECONDS = { y: 365 * 86_400, w: 7 * 86_400, d: 86_400, h: 3600, m: 60, s: 1, ms: 0.001 } as const;
const DURATION = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;

/** Seconds in `text`, or undefined when it is no Prometheus duration or is zero. */
export function durationSeconds(text: string): number | undefined {
  const match = DURATION.exec(text);
  if (!match) return undefined;
  const units = Object.values(UNIT_SECONDS);
  const seconds = match.slice(1).reduce((total, amount, i) => total + (amount === undefined ? 0 : Number(amount) * units[i]!), 0);
  return seconds > 0 ? seconds : undefined;
}
