import { BadRequestError, VendorRateLimitedError, VendorRejectedError } from '@hub/element-sdk';
import { HttpException, NotFoundException } from '@nestjs/common';
import { IsInt, IsString } from 'class-validator';
import { parseAuthorization } from './authorization';
import { toErrorResponse } from './error-body';
import { hubValidationPipe } from './validation';

describe('parseAuthorization', () => {
  it('reads User, Organization and Element parts in any order and case, base64 values intact', () => {
    expect(parseAuthorization('Element tok/en+=, user AbC+/9=,Organization  o==')).toEqual({
      element: 'tok/en+=',
      user: 'AbC+/9=',
      organization: 'o==',
    });
  });

  it('ignores what it does not know and survives empty input', () => {
    expect(parseAuthorization(undefined)).toEqual({});
    expect(parseAuthorization('Basic abc, User')).toEqual({});
    expect(parseAuthorization('Bearer t')).toEqual({ bearer: 't' });
  });
});

describe('toErrorResponse', () => {
  it('writes hub errors with the vendor words and a Retry-After when the vendor asked for one', () => {
    const rejected = toErrorResponse(new VendorRejectedError(400, 'Twilio rejected it', 'Invalid To', 21211), 'r1');
    expect(rejected).toMatchObject({
      status: 400,
      body: { requestId: 'r1', message: 'Twilio rejected it', providerMessage: 'Invalid To', providerCode: 21211 },
      unexpected: false,
    });
    expect(toErrorResponse(new VendorRateLimitedError('slow down', 2.2), 'r2').headers).toEqual({ 'retry-after': '3' });
  });

  it('keeps Nest HTTP exceptions and describes Fastify body errors', () => {
    expect(toErrorResponse(new NotFoundException('Cannot GET /x'), 'r').body.message).toBe('Cannot GET /x');
    // NestJS hands Fastify's body errors over as HttpExceptions with Fastify's message.
    const tooLarge = new HttpException('Request body is too large', 413);
    expect(toErrorResponse(tooLarge, 'r')).toMatchObject({ status: 413, body: { message: "Request body is larger than this route's limit" } });
  });

  it('hides unexpected errors behind the request id', () => {
    const response = toErrorResponse(new Error('db password is hunter2'), 'req-9');
    expect(response.status).toBe(500);
    expect(response.unexpected).toBe(true);
    expect(JSON.stringify(response.body)).not.toContain('hunter2');
    expect(response.body.message).toContain('req-9');
  });
});

class Sample {
  @IsString({ message: 'name must be a string' })
  name!: string;

  @IsInt({ message: 'count must be an integer' })
  count!: number;
}

describe('hubValidationPipe', () => {
  const pipe = hubValidationPipe();
  const run = (value: unknown) => pipe.transform(value, { type: 'body', metatype: Sample });

  it('names every bad and unknown field in one 400', async () => {
    const error = await run({ name: 3, count: 'x', extra: true }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(BadRequestError);
    expect((error as Error).message).toBe("unknown field 'extra'; 'name' must be a string; 'count' must be an integer");
  });

  it('passes good input through', async () => {
    await expect(run({ name: 'a', count: 2 })).resolves.toMatchObject({ name: 'a', count: 2 });
  });
});
