/**
 * CEQL, the hub's query language (`?where=…`), as a parsed tree. The hub parses it; an
 * adapter declares which fields its vendor can filter and how (`QueryFieldSpec`), and the hub
 * translates what it can to vendor parameters and applies the rest to the returned records
 * when that is correct across pages; anything else is a 400 naming the field.
 */
export type CeqlValue = string | number | boolean;

export type ComparisonOperator = '=' | '!=' | '<' | '>' | '<=' | '>=';

export type CeqlExpression =
  | { readonly kind: 'and' | 'or'; readonly operands: readonly CeqlExpression[] }
  | { readonly kind: 'comparison'; readonly field: string; readonly operator: ComparisonOperator; readonly value: CeqlValue }
  | { readonly kind: 'like'; readonly field: string; readonly pattern: string }
  | { readonly kind: 'in'; readonly field: string; readonly values: readonly CeqlValue[] }
  | { readonly kind: 'isNull'; readonly field: string; readonly negated: boolean };

/** A field a resource can be queried on with CEQL. */
export interface QueryFieldSpec {
  /** The name clients use in `where` (the old platform used Twilio's parameter names: To, DateSent). */
  readonly name: string;
  /** Where the value sits in a returned record, for filtering by the hub (`date_sent`). */
  readonly recordPath: string;
  readonly type: 'string' | 'number' | 'boolean' | 'date';
  /** The vendor list parameter per operator, where the vendor filters (Twilio: `=` → DateSent, `<=` → DateSent<). */
  readonly vendorParameters?: Partial<Record<ComparisonOperator, string>>;
  /**
   * Only the vendor can filter on it (Twilio's AreaCode, NearNumber: no record field holds what they
   * mean): a `where` may use it only where it becomes a vendor parameter, a top-level conjunct with an
   * operator of `vendorParameters`; anywhere else it is a 400. `recordPath` is then only documentation.
   */
  readonly vendorOnly?: boolean;
}

/**
 * How a `where` runs for one resource: vendor parameters for what the vendor filters, and the
 * rest (the residual) for the hub to apply to each returned page.
 */
export interface QueryPlan {
  readonly vendorParameters: Readonly<Record<string, string>>;
  readonly residual?: CeqlExpression;
}
