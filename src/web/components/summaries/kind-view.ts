import type { ComponentType } from 'react';
import type { JsonObject } from './summary-data.ts';

export interface SummaryProps {
  summary: JsonObject;
}

/**
 * How one evidence kind shows its summary: a headline of the figures a reviewer reads first
 * (always visible under the evidence row) and the details behind the disclosure button.
 */
export interface KindView {
  Headline: ComponentType<SummaryProps>;
  /** What must be read before anything else in the details, even the parser's warnings. */
  Lead?: ComponentType<SummaryProps>;
  Details: ComponentType<SummaryProps>;
}
