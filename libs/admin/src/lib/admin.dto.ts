import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsEmail, IsInt, IsNotEmpty, IsNumber, IsOptional, IsString, Max, MaxLength, Min, ValidateNested } from 'class-validator';

/** POST /admin/session */
export class OperatorLoginDto {
  @ApiProperty({ description: 'The operator’s email address (any case)' })
  @MaxLength(320)
  @IsString()
  @IsNotEmpty()
  email!: string;

  @ApiProperty({ format: 'password' })
  @MaxLength(1024)
  @IsString()
  @IsNotEmpty()
  password!: string;
}

export class NewUserDto {
  @ApiProperty()
  @MaxLength(320)
  @IsEmail({}, { message: 'emailAddress must be an email address' })
  emailAddress!: string;

  @ApiPropertyOptional()
  @IsOptional()
  @MaxLength(200)
  @IsString()
  firstName?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @MaxLength(200)
  @IsString()
  lastName?: string;

  @ApiPropertyOptional({ description: 'Lets the user log in with POST /authentication (12 to 1024 characters)', format: 'password' })
  @IsOptional()
  @MaxLength(1024)
  @IsString()
  password?: string;
}

/** POST /admin/organizations */
export class NewOrganizationDto {
  @ApiProperty()
  @MaxLength(200)
  @IsString()
  @IsNotEmpty()
  name!: string;

  @ApiProperty({ type: NewUserDto, description: 'Its first user' })
  @ValidateNested()
  @Type(() => NewUserDto)
  user!: NewUserDto;
}

/** PATCH /admin/organizations/{id} */
export class OrganizationPatchDto {
  @ApiPropertyOptional()
  @IsOptional()
  @MaxLength(200)
  @IsString()
  @IsNotEmpty()
  name?: string;

  @ApiPropertyOptional({ description: 'A suspended organization’s calls answer 403' })
  @IsOptional()
  @IsBoolean()
  suspended?: boolean;
}

/** PUT /admin/organizations/{id}/rate-limit */
export class RateLimitDto {
  @ApiProperty({ description: 'Hub calls per second, sustained (0.01 to 100000)' })
  @Max(100_000)
  @Min(0.01)
  @IsNumber({ allowNaN: false, allowInfinity: false })
  requestsPerSecond!: number;

  @ApiProperty({ description: 'How many calls may come at once (1 to 100000)' })
  @Max(100_000)
  @Min(1)
  @IsInt()
  burst!: number;
}
