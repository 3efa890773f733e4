import type { Tenant } from '@hub/store';
import { parseAuthorization } from '@hub/http';
import { Body, Controller, Get, Header, HttpCode, Post, Req, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { CurrentTenant, PlatformAuthGuard } from '@hub/runtime';
import { LoginDto } from './authentication.dto';
import { AuthenticationService } from './authentication.service';

/** The old platform's login flow: POST /authentication → {token}; GET /authentication/secrets with Bearer <token>. */
@ApiTags('authentication')
@Controller('authentication')
export class AuthenticationController {
  constructor(private readonly authentication: AuthenticationService) {}

  @Post()
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'Log in with email address and password: a short-lived token for GET /authentication/secrets' })
  login(@Body() body: LoginDto, @Req() request: FastifyRequest) {
    return this.authentication.login(body.username, body.password, request.ip);
  }

  @Get('secrets')
  @Header('Cache-Control', 'no-store')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'The logged-in user’s secret and its organization’s (Authorization: Bearer <token>)' })
  async secrets(@Req() request: FastifyRequest) {
    const tenant = await this.authentication.tenantOfToken(parseAuthorization(request.headers.authorization).bearer);
    return this.authentication.secrets(tenant);
  }
}

/**
 * Secret rotation for the caller: the new secret is answered once; the previous one keeps working
 * until `previousSecretExpiresAt` (HUB_SECRET_GRACE_SECONDS), so clients can switch without downtime.
 */
@ApiTags('authentication')
@ApiSecurity('User-Organization')
@UseGuards(PlatformAuthGuard)
@Controller()
export class SecretRotationController {
  constructor(private readonly authentication: AuthenticationService) {}

  @Post('users/me/secret/rotate')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'A new secret for the calling user; the previous one works until previousSecretExpiresAt' })
  rotateUser(@CurrentTenant() tenant: Tenant) {
    return this.authentication.rotateUserSecret(tenant);
  }

  @Post('organizations/secret/rotate')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'A new secret for the caller’s organization; the previous one works until previousSecretExpiresAt' })
  rotateOrganization(@CurrentTenant() tenant: Tenant) {
    return this.authentication.rotateOrganizationSecret(tenant);
  }
}
