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

/** Strict input: unknown fields are refused, types are checked, every field's problem named at once. */
export function hubValidationPipe(): ValidationPipe {
  return new HubValidationPipe({
    stopAtFirstError: true,
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => new BadRequestError(describeValidationErrors(errors).join('; ')),
  });
}
