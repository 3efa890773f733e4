import { BadRequestError, type CeqlExpression, type CeqlValue, type ComparisonOperator } from '@hub/element-sdk';

/**
 * A recursive-descent parser for CEQL `where` expressions.
 *
 *   expression := or
 *   or         := and ( OR and )*
 *   and        := primary ( AND primary )*
 *   primary    := '(' expression ')' | predicate
 *   predicate  := field ( op value | LIKE string | NOT? IN '(' value ( ',' value )* ')' | IS NOT? NULL )
 *   op         := '=' | '!=' | '<>' | '<' | '>' | '<=' | '>='
 *   field      := name ( '.' name )* | '`' any text but '`' '`'
 *   name       := [A-Za-z_$][A-Za-z0-9_$-]*
 *   value      := string | number | TRUE | FALSE
 *   string     := "'" ( any character but "'" and "\" | "''" | "\'" | "\\" | "\" other )* "'"
 *                 ('' and \' are a quote, \\ a backslash; a backslash before anything else is kept)
 *   number     := '-'? digits ( '.' digits )?
 *
 * Keywords are case-insensitive. A syntax error is a 400 naming the position and what was expected.
 */
export class CeqlSyntaxError extends BadRequestError {
  constructor(
    readonly position: number,
    readonly expected: string,
    found: string,
  ) {
    super(`where: syntax error at position ${position + 1}: expected ${expected}, found ${found}`);
  }
}

type Token =
  | { type: 'name'; text: string; at: number; quoted?: true }
  | { type: 'string'; value: string; at: number }
  | { type: 'number'; value: number; text: string; at: number }
  | { type: 'op'; text: ComparisonOperator; at: number }
  | { type: 'punct'; text: '(' | ')' | ',' | '.'; at: number }
  | { type: 'end'; at: number };

function describe(token: Token): string {
  switch (token.type) {
    case 'end':
      return 'the end of the expression';
    case 'string':
      return `'${token.value}'`;
    case 'number':
      return token.text;
    default:
      return `'${token.text}'`;
  }
}

function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const c = input[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const at = i;
    if (c === "'") {
      let value = '';
      i++;
      for (;;) {
        if (i >= input.length) throw new CeqlSyntaxError(at, "a closing quote (')", 'the end of the expression');
        if (input[i] === '\\' && (input[i + 1] === "'" || input[i + 1] === '\\')) {
          value += input[i + 1];
          i += 2;
        } else if (input[i] === "'" && input[i + 1] === "'") {
          value += "'";
          i += 2;
        } else if (input[i] === "'") {
          i++;
          break;
        } else value += input[i++];
      }
      tokens.push({ type: 'string', value, at });
    } else if (c === '`') {
      const end = input.indexOf('`', i + 1);
      if (end < 0) throw new CeqlSyntaxError(at, 'a closing backtick (`)', 'the end of the expression');
      const text = input.slice(i + 1, end);
      if (text.trim() === '') throw new CeqlSyntaxError(at, 'a field name inside the backticks', '``');
      tokens.push({ type: 'name', text, at, quoted: true }); // a quoted name is never a keyword
      i = end + 1;
    } else if (/[0-9]/.test(c) || (c === '-' && /[0-9]/.test(input[i + 1] ?? ''))) {
      const match = /^-?\d+(\.\d+)?/.exec(input.slice(i));
      const text = match ? match[0] : c;
      tokens.push({ type: 'number', value: Number(text), text, at });
      i += text.length;
    } else if (/[A-Za-z_$]/.test(c)) {
      const match = /^[A-Za-z_$][A-Za-z0-9_$-]*/.exec(input.slice(i));
      const text = match ? match[0] : c;
      tokens.push({ type: 'name', text, at });
      i += text.length;
    } else if (c === '<' || c === '>' || c === '!' || c === '=') {
      const two = input.slice(i, i + 2);
      if (two === '<=' || two === '>=' || two === '!=' || two === '<>') {
        tokens.push({ type: 'op', text: two === '<>' ? '!=' : (two as ComparisonOperator), at });
        i += 2;
      } else if (c === '!') {
        throw new CeqlSyntaxError(at, "'!='", `'!'`);
      } else {
        tokens.push({ type: 'op', text: c as ComparisonOperator, at });
        i++;
      }
    } else if (c === '(' || c === ')' || c === ',' || c === '.') {
      tokens.push({ type: 'punct', text: c, at });
      i++;
    } else {
      throw new CeqlSyntaxError(at, 'a field, a value, an operator or a parenthesis', `'${c}'`);
    }
  }
  tokens.push({ type: 'end', at: input.length });
  return tokens;
}

/**
 * What one `where` may be: a client's filter is a few terms; these bounds keep a hostile one from
 * costing the parser, the planner or the hub-side filter more than a few milliseconds.
 */
export const CEQL_LIMITS = Object.freeze({
  /** Characters of the expression. */
  maxLength: 4_096,
  /** Nested parentheses. */
  maxDepth: 32,
  /** Predicates plus the values of IN lists. */
  maxTerms: 200,
});

const KEYWORDS = new Set(['and', 'or', 'not', 'in', 'is', 'null', 'like', 'true', 'false']);

class Parser {
  private index = 0;
  private depth = 0;
  private terms = 0;
  constructor(private readonly tokens: Token[]) {}

  parse(): CeqlExpression {
    const expression = this.or();
    const next = this.peek();
    if (next.type !== 'end') throw new CeqlSyntaxError(next.at, 'AND, OR or the end of the expression', describe(next));
    return expression;
  }

  private peek(): Token {
    return this.tokens[this.index];
  }

  private next(): Token {
    return this.tokens[this.index++];
  }

  private isKeyword(word: string, token = this.peek()): boolean {
    return token.type === 'name' && !token.quoted && token.text.toLowerCase() === word;
  }

  private expectKeyword(word: string): void {
    const token = this.next();
    if (!this.isKeyword(word, token)) throw new CeqlSyntaxError(token.at, word.toUpperCase(), describe(token));
  }

  private expectPunct(text: '(' | ')' | ','): void {
    const token = this.next();
    if (token.type !== 'punct' || token.text !== text) throw new CeqlSyntaxError(token.at, `'${text}'`, describe(token));
  }

  private or(): CeqlExpression {
    const operands = [this.and()];
    while (this.isKeyword('or')) {
      this.next();
      operands.push(this.and());
    }
    return operands.length === 1 ? operands[0] : { kind: 'or', operands };
  }

  private and(): CeqlExpression {
    const operands = [this.primary()];
    while (this.isKeyword('and')) {
      this.next();
      operands.push(this.primary());
    }
    return operands.length === 1 ? operands[0] : { kind: 'and', operands };
  }

  private primary(): CeqlExpression {
    const token = this.peek();
    if (token.type === 'punct' && token.text === '(') {
      this.next();
      if (++this.depth > CEQL_LIMITS.maxDepth) {
        throw new BadRequestError(`where: parentheses may nest at most ${CEQL_LIMITS.maxDepth} deep (at position ${token.at + 1})`);
      }
      const inner = this.or();
      this.expectPunct(')');
      this.depth--;
      return inner;
    }
    return this.predicate();
  }

  private field(): string {
    const first = this.next();
    if (first.type !== 'name' || (!first.quoted && KEYWORDS.has(first.text.toLowerCase()))) {
      throw new CeqlSyntaxError(first.at, 'a field name', describe(first));
    }
    const parts = [first.text];
    while (this.peek().type === 'punct' && (this.peek() as { text: string }).text === '.') {
      this.next();
      const part = this.next();
      if (part.type !== 'name') throw new CeqlSyntaxError(part.at, 'a field name after "."', describe(part));
      parts.push(part.text);
    }
    return parts.join('.');
  }

  private value(): CeqlValue {
    const token = this.next();
    if (token.type === 'string') return token.value;
    if (token.type === 'number') return token.value;
    if (this.isKeyword('true', token)) return true;
    if (this.isKeyword('false', token)) return false;
    throw new CeqlSyntaxError(token.at, "a value: a 'quoted string', a number, true or false", describe(token));
  }

  private term(at: number): void {
    if (++this.terms > CEQL_LIMITS.maxTerms) {
      throw new BadRequestError(`where: at most ${CEQL_LIMITS.maxTerms} terms (comparisons and IN values) are allowed (at position ${at + 1})`);
    }
  }

  private predicate(): CeqlExpression {
    this.term(this.peek().at);
    const field = this.field();
    const token = this.peek();
    if (token.type === 'op') {
      this.next();
      return { kind: 'comparison', field, operator: token.text, value: this.value() };
    }
    if (this.isKeyword('like')) {
      this.next();
      const pattern = this.next();
      if (pattern.type !== 'string') throw new CeqlSyntaxError(pattern.at, "a 'quoted pattern' after LIKE", describe(pattern));
      return { kind: 'like', field, pattern: pattern.value };
    }
    if (this.isKeyword('in')) {
      this.next();
      this.expectPunct('(');
      const values = [this.value()];
      while (this.peek().type === 'punct' && (this.peek() as { text: string }).text === ',') {
        this.term(this.next().at);
        values.push(this.value());
      }
      this.expectPunct(')');
      return { kind: 'in', field, values };
    }
    if (this.isKeyword('is')) {
      this.next();
      let negated = false;
      if (this.isKeyword('not')) {
        this.next();
        negated = true;
      }
      this.expectKeyword('null');
      return { kind: 'isNull', field, negated };
    }
    throw new CeqlSyntaxError(token.at, 'an operator (=, !=, <, >, <=, >=), LIKE, IN or IS', describe(token));
  }
}

export function parseCeql(input: string): CeqlExpression {
  if (input.length > CEQL_LIMITS.maxLength) {
    throw new BadRequestError(`where: at most ${CEQL_LIMITS.maxLength} characters are allowed (got ${input.length})`);
  }
  if (input.trim() === '') throw new CeqlSyntaxError(0, 'an expression', 'nothing');
  return new Parser(tokenize(input)).parse();
}

const PLAIN_FIELD = /^[A-Za-z_$][A-Za-z0-9_$-]*(\.[A-Za-z_$][A-Za-z0-9_$-]*)*$/;

function printField(field: string): string {
  const plain = PLAIN_FIELD.test(field) && field.split('.').every((part) => !KEYWORDS.has(part.toLowerCase()));
  return plain ? field : `\`${field}\``;
}

function printValue(value: CeqlValue): string {
  if (typeof value === 'string') return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
  return String(value);
}

/** The canonical text of an expression: `parseCeql(printCeql(e))` gives `e` back. */
export function printCeql(expression: CeqlExpression): string {
  switch (expression.kind) {
    case 'and':
    case 'or':
      return expression.operands
        .map((operand) => (operand.kind === 'and' || operand.kind === 'or' ? `(${printCeql(operand)})` : printCeql(operand)))
        .join(expression.kind === 'and' ? ' AND ' : ' OR ');
    case 'comparison':
      return `${printField(expression.field)} ${expression.operator} ${printValue(expression.value)}`;
    case 'like':
      return `${printField(expression.field)} LIKE ${printValue(expression.pattern)}`;
    case 'in':
      return `${printField(expression.field)} IN (${expression.values.map(printValue).join(', ')})`;
    case 'isNull':
      return `${printField(expression.field)} IS ${expression.negated ? 'NOT ' : ''}NULL`;
  }
}
