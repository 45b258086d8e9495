/**
 * Which DKIM selectors to probe, in which order (pure): the user's selectors,
 * then those of the providers recognised from the domain's MX hosts and SPF
 * includes, then the generic list, then every other known provider's.
 */
import { GENERIC_DKIM_SELECTORS, PROVIDERS, recognizeProviders, type Provider } from '../providers.js';

/** A provider recognised for the domain, and from what. */
export interface RecognizedProvider {
  id: string;
  name: string;
  /** What identified it. */
  via: Array<'mx' | 'spf'>;
}

export interface SelectorPlan {
  /** Selectors to probe, in order, without duplicates. */
  selectors: string[];
  /** Where each selector came from: `option`, `provider:<id>` or `generic`. */
  sources: Record<string, string>;
  /** Providers recognised from MX hosts and SPF includes, MX first. */
  providers: RecognizedProvider[];
  /** User selectors rejected as not being domain-name labels. */
  invalid: string[];
}

/** RFC 6376 §3.1: selector = sub-domain *( "." sub-domain ). Underscores are tolerated as seen in practice. */
export function isValidSelector(selector: string): boolean {
  return (
    selector.length > 0 &&
    selector.length <= 200 &&
    selector.split('.').every((label) => /^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/.test(label))
  );
}

/** Splits repeated/comma-separated --dkim-selector values. */
export function normalizeSelectors(values: readonly string[] | undefined): { selectors: string[]; invalid: string[] } {
  const selectors: string[] = [];
  const invalid: string[] = [];
  for (const value of values ?? []) {
    for (const item of value.split(',')) {
      const selector = item.trim().toLowerCase().replace(/\._domainkey(\..*)?$/, '');
      if (selector === '') continue;
      if (!isValidSelector(selector)) invalid.push(item.trim());
      else if (!selectors.includes(selector)) selectors.push(selector);
    }
  }
  return { selectors, invalid };
}

/** `include:` and `redirect=` targets of the domain's SPF record(s). */
export function spfIncludeTargets(txtRecords: readonly string[]): string[] {
  const targets: string[] = [];
  for (const text of txtRecords) {
    // RFC 7208 §4.5: an SPF record begins with "v=spf1" followed by a space or the end.
    if (!/^v=spf1(?:\s|$)/i.test(text.trim())) continue;
    for (const match of text.matchAll(/(?:^|\s)(?:[+?~-]?include:|redirect=)(\S+)/gi)) {
      const target = match[1].toLowerCase().replace(/\.$/, '');
      if (!targets.includes(target)) targets.push(target);
    }
  }
  return targets;
}

/** Builds the ordered selector list. */
export function planSelectors(
  userSelectors: readonly string[] | undefined,
  mxHosts: readonly string[],
  spfIncludes: readonly string[],
  only = false,
): SelectorPlan {
  const { selectors: given, invalid } = normalizeSelectors(userSelectors);
  const byMx = recognizeProviders(mxHosts, []);
  const bySpf = recognizeProviders([], spfIncludes);
  const recognized: Provider[] = [...byMx, ...bySpf.filter((provider) => !byMx.includes(provider))];
  const providers = recognized.map((provider) => ({
    id: provider.id,
    name: provider.name,
    via: [...(byMx.includes(provider) ? ['mx' as const] : []), ...(bySpf.includes(provider) ? ['spf' as const] : [])],
  }));

  const selectors: string[] = [];
  const sources: Record<string, string> = {};
  const add = (selector: string, source: string) => {
    if (sources[selector] !== undefined) return;
    sources[selector] = source;
    selectors.push(selector);
  };
  for (const selector of given) add(selector, 'option');
  if (only) return { selectors, sources, providers, invalid };
  for (const provider of recognized) for (const selector of provider.dkimSelectors) add(selector, `provider:${provider.id}`);
  for (const selector of GENERIC_DKIM_SELECTORS) add(selector, 'generic');
  for (const provider of PROVIDERS) for (const selector of provider.dkimSelectors) add(selector, `provider:${provider.id}`);
  return { selectors, sources, providers, invalid };
}
