import { BadRequestError } from '@hub/element-sdk';
import { type ArgumentMetadata, ValidationPipe, type ValidationError } from '@nestjs/common';

/** Flattens class-validator errors into one sentence naming every field and rule. */
export function describeValidationErrors(errors: readonly ValidationError[], parent = ''): string[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.entries(error.constraints ?? {}).map(([rule, text]) =>
      rule === 'whitelistValidation' ? `unknown field '${field}'` : text.replace(error.property, `'${field}'`),
    );
    return [...own, ...describeValidationErrors(error.children ?? [], field)];
  });
}

/** Error messages name at most this many problems: a body of thousands of unknown keys gets a short answer. */
export const MAX_PROBLEMS_NAMED = 5;

/** `a; b; c; … and 12 more problems` */
export function summarizeProblems(problems: readonly string[], max = MAX_PROBLEMS_NAMED): string {
  const named = problems.slice(0, max).join('; ');
  return problems.length > max ? `${named}; and ${problems.length - max} more problem${problems.length - max === 1 ? '' : 's'}` : named;
}

/**
 * Validates bodies and query strings against their DTO classes. Path parameters are left to
 * their own pipes, which name the parameter in their errors.
 */
class HubValidationPipe extends ValidationPipe {
  override transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type !== 'body' && metadata.type !== 'query') return Promise.resolve(value);
    return super.transform(value, metadata);
  }
}

/** Strict input: unknown fields are refused, types are checked, the first few fields' problems named at once. */
export function hubValidationPipe(): ValidationPipe {
  return new HubValidationPipe({
    stopAtFirstError: true,
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => new BadRequestError(summarizeProblems(describeValidationErrors(errors))),
  });
}
