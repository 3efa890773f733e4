import type { ParameterSpec, ParameterType } from '@hub/element-sdk';

/** Parameter specs from Twilio's names (its OpenAPI description), typed where Twilio types them. */
export function twilioParameters(
  names: readonly string[],
  options: {
    required?: readonly string[];
    types?: Readonly<Record<string, ParameterType>>;
    allowed?: Readonly<Record<string, readonly string[]>>;
  } = {},
): ParameterSpec[] {
  return names.map((name) => ({
    name,
    type: options.types?.[name] ?? 'string',
    ...(options.required?.includes(name) ? { required: true } : {}),
    ...(options.allowed?.[name] ? { allowedValues: options.allowed[name] } : {}),
    description: `Twilio's ${name}`,
  }));
}
