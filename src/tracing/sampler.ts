/**
 * Beacon's sampler: a default ratio, optional first-match-wins rules (path glob, method,
 * span attributes), and an optional cap on new traces per second. Wrapped in OTel's
 * ParentBasedSampler so that spans inside a trace follow its root, and so that a caller's
 * decision (traceparent) wins when `parentBased` is on.
 */
import type { Attributes, Context, Link, SpanKind } from '@opentelemetry/api';
import {
  ParentBasedSampler,
  type Sampler,
  SamplingDecision,
  type SamplingResult,
  TraceIdRatioBasedSampler,
} from '../otel/sdk-trace.cjs';
import { compilePathGlob, stripQuery } from '../http/path-glob.js';
import type { ResolvedConfig, SamplingRule } from '../config/types.js';

type ResolvedSampler = ResolvedConfig['tracing']['sampler'];

interface CompiledRule {
  description: string;
  path: RegExp | null;
  method: string | null;
  attributes: [string, unknown][];
  sampler: Sampler;
}

/** Refills `perSecond` tokens a second, holds at most max(1, perSecond). */
export class TokenBucket {
  private tokens: number;
  private last: number;
  private readonly capacity: number;

  constructor(private readonly perSecond: number, private readonly now: () => number = () => performance.now()) {
    this.capacity = Math.max(1, perSecond);
    this.tokens = this.capacity;
    this.last = now();
  }

  take(): boolean {
    const now = this.now();
    this.tokens = Math.min(this.capacity, this.tokens + ((now - this.last) / 1000) * this.perSecond);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

const DROP: SamplingResult = { decision: SamplingDecision.NOT_RECORD };

function ratioSampler(ratio: number): Sampler {
  return new TraceIdRatioBasedSampler(ratio);
}

function compileRule(rule: Readonly<SamplingRule>): CompiledRule {
  const parts = [
    rule.path && `path=${rule.path}`,
    rule.method && `method=${rule.method}`,
    rule.attributes && `attributes=${JSON.stringify(rule.attributes)}`,
  ].filter(Boolean);
  return {
    description: `${parts.join(',') || 'any'}→${rule.ratio}`,
    path: rule.path ? compilePathGlob(rule.path) : null,
    method: rule.method ?? null,
    attributes: Object.entries(rule.attributes ?? {}),
    sampler: ratioSampler(rule.ratio),
  };
}

function requestPath(attributes: Attributes): string | undefined {
  const path = attributes['url.path'] ?? attributes['http.target'];
  return typeof path === 'string' ? stripQuery(path) : undefined;
}

function matches(rule: CompiledRule, attributes: Attributes): boolean {
  if (rule.method !== null) {
    const method = attributes['http.request.method'] ?? attributes['http.method'];
    if (typeof method !== 'string' || method.toUpperCase() !== rule.method) return false;
  }
  if (rule.path !== null) {
    const path = requestPath(attributes);
    if (path === undefined || !rule.path.test(path)) return false;
  }
  return rule.attributes.every(([key, value]) => attributes[key] === value);
}

/** Decides for root spans (and remote parents when not parent-based). */
export class RuleBasedSampler implements Sampler {
  private readonly rules: CompiledRule[];
  private readonly fallback: Sampler;
  private readonly bucket: TokenBucket | null;

  constructor(private readonly options: ResolvedSampler) {
    this.rules = options.rules.map(compileRule);
    this.fallback = ratioSampler(options.ratio);
    this.bucket = options.maxPerSecond === null ? null : new TokenBucket(options.maxPerSecond);
  }

  shouldSample(context: Context, traceId: string, spanName: string, spanKind: SpanKind, attributes: Attributes, links: Link[]): SamplingResult {
    const rule = this.rules.length === 0 ? undefined : this.rules.find((candidate) => matches(candidate, attributes));
    const result = (rule?.sampler ?? this.fallback).shouldSample(context, traceId, spanName, spanKind, attributes, links);
    if (result.decision === SamplingDecision.RECORD_AND_SAMPLED && this.bucket && !this.bucket.take()) return DROP;
    return result;
  }

  toString(): string {
    const rules = this.rules.map((rule) => rule.description).join('; ');
    const cap = this.options.maxPerSecond === null ? '' : `, max ${this.options.maxPerSecond}/s`;
    return `RuleBasedSampler{ratio=${this.options.ratio}${rules ? `, rules=[${rules}]` : ''}${cap}}`;
  }
}

export function createSampler(options: ResolvedSampler): Sampler {
  const root = new RuleBasedSampler(options);
  if (options.parentBased) return new ParentBasedSampler({ root });
  // Not parent-based: a remote caller's decision is ignored, but spans inside this
  // process still follow their local root so that traces stay complete.
  return new ParentBasedSampler({ root, remoteParentSampled: root, remoteParentNotSampled: root });
}
