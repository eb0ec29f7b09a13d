/**
 * The delivery report: at most one line per signal per interval (a minute) saying what was
 * lost since the previous line and why, with counts —
 *
 *   spans: 11,518 dropped (queue full 10,000, held back 1,518), 2,048 failed (HTTP 503) in the last 60 s; 0 exported
 *   logs: 512 failed (HTTP 401 (invalid API key)) in the last 1 s; 0 exported
 *
 * It replaces upstream's one line per failed batch and its "Dropped N spans" (which counted
 * queue drops only, and only until the next span got in). The first loss is reported within
 * a second; later ones wait for the interval. Nothing is said while nothing is lost. At stop
 * (shutdown), losses not yet reported get their line at once.
 */
import { DROP_REASONS, type DropReason, type ExportAccount, FAIL_REASONS, type FailReason } from './export-accounting.js';

/** Lets a first burst of losses (one failed batch, a queue overflowing) gather into one line. */
const FIRST_LINE_DELAY_MS = 1000;

interface Snapshot {
  at: number;
  exported: number;
  dropped: Record<DropReason, number>;
  failed: Record<FailReason, number>;
}

export interface DeliveryReport {
  /** Writes the lines still due and stops the timers. */
  stop(): void;
}

export function startDeliveryReport(
  accounts: readonly ExportAccount[],
  write: (line: string) => void,
  intervalMs = 60_000,
  now: () => number = Date.now,
): DeliveryReport {
  const reporters = accounts.map((account) => reportFor(account, write, intervalMs, now));
  return {
    stop() {
      for (const reporter of reporters) reporter.flush();
    },
  };
}

function reportFor(account: ExportAccount, write: (line: string) => void, intervalMs: number, now: () => number) {
  let last = snapshot(account, now());
  let lastLineAt = -Infinity;
  let timer: NodeJS.Timeout | null = null;

  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    const current = snapshot(account, now());
    const line = describeLosses(account, last, current);
    if (line === null) return;
    write(line);
    last = current;
    lastLineAt = current.at;
  };
  // Runs on every drop: after the first one of an interval, a single comparison.
  account.onLoss = () => {
    if (timer) return;
    timer = setTimeout(flush, Math.max(FIRST_LINE_DELAY_MS, lastLineAt + intervalMs - now()));
    timer.unref();
  };
  return { flush };
}

function snapshot(account: ExportAccount, at: number): Snapshot {
  return { at, exported: account.exported, dropped: { ...account.dropped }, failed: { ...account.failed } };
}

/**
 * 37,348: thousands grouped by hand. The process's first `toLocaleString()` loads ICU's
 * number data, ~60 ms on the app's thread, and the first report comes when exports are
 * already failing or the queue overflowing: the worst moment for a stall.
 */
const count = (value: number) => String(value).replace(/\B(?=(\d{3})+(?!\d))/g, ',');

/** The report line for the losses between two snapshots; null when there were none. */
export function describeLosses(account: ExportAccount, from: Snapshot, to: Snapshot): string | null {
  const dropped = DROP_REASONS.map((reason) => [dropLabel(reason), to.dropped[reason] - from.dropped[reason]] as const);
  const failed = FAIL_REASONS.map((reason) => [failLabel(account, reason), to.failed[reason] - from.failed[reason]] as const);
  const parts = [breakdown('dropped', dropped), breakdown('failed', failed)].filter((part) => part !== null);
  if (parts.length === 0) return null;
  const seconds = Math.max(1, Math.round((to.at - from.at) / 1000));
  return `${account.signal}: ${parts.join(', ')} in the last ${count(seconds)} s; ${count(to.exported - from.exported)} exported`;
}

/** "2,048 failed (HTTP 503)" for one reason, "3,000 failed (HTTP 503 2,048, deadline 952)" for several. */
function breakdown(what: string, byReason: readonly (readonly [string, number])[]): string | null {
  const nonZero = byReason.filter(([, value]) => value > 0);
  if (nonZero.length === 0) return null;
  const total = nonZero.reduce((sum, [, value]) => sum + value, 0);
  const reasons = nonZero.length === 1 ? nonZero[0]![0] : nonZero.map(([label, value]) => `${label} ${count(value)}`).join(', ');
  return `${count(total)} ${what} (${reasons})`;
}

function dropLabel(reason: DropReason): string {
  return reason === 'queue_full' ? 'queue full' : 'held back';
}

function failLabel(account: ExportAccount, reason: FailReason): string {
  switch (reason) {
    case 'rejected': {
      if (account.lastStatus === null) return 'HTTP error';
      const status = typeof account.lastStatus === 'number' ? `HTTP ${account.lastStatus}` : `gRPC ${account.lastStatus}`;
      return account.lastRejection === null ? status : `${status} (${account.lastRejection})`;
    }
    case 'network':
      return account.lastNetworkError ?? 'network';
    case 'deadline':
      return 'deadline';
    case 'other':
      return 'other errors';
  }
}
