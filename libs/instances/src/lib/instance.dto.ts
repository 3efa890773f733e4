import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  MaxLength,
  Max,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';

/** Names and tags were stripped of HTML by the old platform; so are ours. */
const stripHtml = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? value.replace(/<[^>]*>/g, '').trim() : value;
const stripHtmlEach = ({ value }: { value: unknown }) =>
  Array.isArray(value) ? value.map((v) => (typeof v === 'string' ? v.replace(/<[^>]*>/g, '').trim() : v)) : value;

export class ElementReferenceDto {
  @IsOptional()
  @IsString({ message: 'element.key must be a string' })
  @IsNotEmpty({ message: 'element.key must not be empty' })
  key?: string;

  @IsOptional()
  @IsInt({ message: 'element.id must be an integer' })
  id?: number;
}

/**
 * Fields shared by POST, PUT and PATCH of an instance: every field the old platform accepted.
 * Fields the store keeps non-null are optional but not nullable (`ValidateIf(v !== undefined)`):
 * a null is a 400 naming the field, not a database error.
 */
export class InstanceInputDto {
  @IsOptional()
  @ValidateNested()
  @Type(() => ElementReferenceDto)
  @IsObject({ message: 'element must be an object such as {"key": "twiliov2"}' })
  element?: ElementReferenceDto;

  // class-validator runs these bottom-up (with stopAtFirstError): the type check goes last.
  @ValidateIf((_, v) => v !== undefined)
  @Transform(stripHtml)
  @MaxLength(255, { message: 'name must be at most 255 characters' })
  @IsNotEmpty({ message: 'name must not be empty' })
  @IsString({ message: 'name must be a string' })
  name?: string;

  @IsOptional()
  @Transform(stripHtmlEach)
  @MaxLength(255, { each: true, message: 'each tag must be at most 255 characters' })
  @ArrayMaxSize(100, { message: 'tags may hold at most 100 entries' })
  @IsString({ each: true, message: 'tags must be an array of strings' })
  @IsArray({ message: 'tags must be an array of strings' })
  tags?: string[];

  /** Validated against the element's descriptors by libs/instance-config. */
  @IsOptional()
  @IsObject({ message: 'configuration must be an object of key/value entries' })
  configuration?: Record<string, unknown>;

  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsObject({ message: 'providerData must be an object' })
  providerData?: Record<string, unknown> | null;

  @ValidateIf((_, v) => v !== undefined)
  @IsIn(['none', 'initial', 'full'], { message: "externalAuthentication must be one of 'none', 'initial', 'full'" })
  @IsString({ message: 'externalAuthentication must be a string' })
  externalAuthentication?: string;

  @ValidateIf((_, v) => v !== undefined)
  @IsBoolean({ message: 'cachingEnabled must be a boolean' })
  cachingEnabled?: boolean;

  @ValidateIf((_, v) => v !== undefined)
  @Max(2_147_483_647, { message: 'maxCacheSize must be at most 2147483647' })
  @Min(0, { message: 'maxCacheSize must not be negative' })
  @IsInt({ message: 'maxCacheSize must be an integer' })
  maxCacheSize?: number;

  @ValidateIf((_, v) => v !== undefined)
  @Max(2_147_483_647, { message: 'cacheTimeToLive must be at most 2147483647 seconds' })
  @Min(0, { message: 'cacheTimeToLive must not be negative' })
  @IsInt({ message: 'cacheTimeToLive must be an integer (seconds)' })
  cacheTimeToLive?: number;

  @ValidateIf((_, v) => v !== undefined)
  @IsBoolean({ message: 'traceLoggingEnabled must be a boolean' })
  traceLoggingEnabled?: boolean;

  /** Accepted for compatibility; the hub knows its objects from the adapter's declarations. */
  @IsOptional()
  @IsBoolean({ message: 'retrieveObjectsAfterInstantiation must be a boolean' })
  retrieveObjectsAfterInstantiation?: boolean;
}

export class ConfigurationEntryPatchDto {
  @ValidateIf((_, v) => v !== null)
  @IsString({ message: 'propertyValue must be a string or null' })
  propertyValue!: string | null;

  /** The old platform echoed these back; they are accepted and must match the entry. */
  @IsOptional()
  @IsString({ message: 'key must be a string' })
  key?: string;

  @IsOptional()
  @IsInt({ message: 'id must be an integer' })
  id?: number;

  @IsOptional()
  @IsString({ message: 'name must be a string' })
  name?: string;
}

export class ListInstancesQueryDto {
  @IsOptional()
  @Transform(({ value }) => (value === undefined ? undefined : Array.isArray(value) ? value : [value]))
  @IsArray()
  @IsString({ each: true, message: 'tags[] must be strings' })
  'tags[]'?: string[];

  @IsOptional()
  @Transform(({ value }) => (value === undefined ? undefined : Array.isArray(value) ? value : [value]))
  @IsArray()
  @IsString({ each: true, message: 'tags must be strings' })
  tags?: string[];

  @IsOptional()
  @IsString({ message: 'searchText must be a string' })
  searchText?: string;

  /** Parsed by the platform's one paging parser (pageRequestOf), as every list's. */
  @IsOptional()
  @IsString({ message: 'page must be an integer from 1 to 1000000' })
  page?: string;

  @IsOptional()
  @IsString({ message: 'pageSize must be an integer from 1 to 500' })
  pageSize?: string;
}
