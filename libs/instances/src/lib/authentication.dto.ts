import { ApiProperty } from '@nestjs/swagger';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';

/** POST /authentication, as the old platform took it. */
export class LoginDto {
  @ApiProperty({ description: 'The user’s email address (any case)' })
  // class-validator checks from the bottom up and stops at the first failure: emptiness first.
  @MaxLength(320)
  @IsString()
  @IsNotEmpty()
  username!: string;

  @ApiProperty({ description: 'The user’s password', format: 'password' })
  @MaxLength(1024)
  @IsString()
  @IsNotEmpty()
  password!: string;
}
