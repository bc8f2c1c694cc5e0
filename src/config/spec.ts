import { z } from 'zod';
import { ConfigSchema } from './schema';

/** Without these nothing useful can be read: check fails naming them. */
export const REQUIRED_SCOPES = ['boards:read', 'pins:read', 'user_accounts:read', 'ads:read'] as const;

/** Without these the sync still runs; check says what is left out. */
export const OPTIONAL_SCOPES: Record<string, string> = {
  'boards:read_secret': 'secret boards are left out of boards',
  'pins:read_secret': 'secret pins are left out of pins and pin_analytics',
  'catalogs:read': 'the catalog streams (catalogs, catalogs_feeds, catalogs_product_groups) will fail',
};

/** Every scope the consent screen asks for (docs/contract.md §2). */
export const SCOPES: readonly string[] = [...REQUIRED_SCOPES, ...Object.keys(OPTIONAL_SCOPES)];
const DOCUMENTATION_URL = 'https://docs.airbyte.com/integrations/sources/pinterest';

/**
 * The ConnectorSpecification, built from the zod schema. spec.json is this object, committed; a unit test
 * keeps the two equal (`npm run generate:spec` rewrites the file).
 */
export function buildSpec(): Record<string, unknown> {
  const connectionSpecification = z.toJSONSchema(ConfigSchema, {
    target: 'draft-7',
    io: 'input',
    unrepresentable: 'throw',
  }) as Record<string, unknown>;
  // Unknown keys are ignored by the parser; say so in the schema (Airbyte requires true where it is set).
  connectionSpecification.additionalProperties = true;
  return {
    documentationUrl: DOCUMENTATION_URL,
    connectionSpecification,
    advanced_auth: {
      auth_flow_type: 'oauth2.0',
      predicate_key: ['credentials', 'auth_method'],
      predicate_value: 'oauth2.0',
      oauth_config_specification: {
        oauth_connector_input_specification: {
          consent_url:
            'https://www.pinterest.com/oauth/?{{client_id_key}}={{client_id_value}}&{{redirect_uri_key}}={{{{redirect_uri_value}} | urlEncoder}}&{{scope_key}}={{{{scope_value}} | urlEncoder}}&{{state_key}}={{state_value}}&response_type=code',
          scope: SCOPES.join(','),
          access_token_url: 'https://api.pinterest.com/v5/oauth/token',
          access_token_headers: {
            Authorization: 'Basic {{ {{client_id_value}}:{{client_secret_value}} | base64Encoder }}',
            'Content-Type': 'application/x-www-form-urlencoded',
          },
          access_token_params: {
            grant_type: 'authorization_code',
            code: '{{auth_code_value}}',
            redirect_uri: '{{redirect_uri_value}}',
          },
          extract_output: ['refresh_token'],
        },
        complete_oauth_output_specification: {
          type: 'object',
          additionalProperties: true,
          properties: {
            refresh_token: { type: 'string', path_in_connector_config: ['credentials', 'refresh_token'] },
          },
        },
        complete_oauth_server_input_specification: {
          type: 'object',
          additionalProperties: true,
          properties: { client_id: { type: 'string' }, client_secret: { type: 'string' } },
        },
        complete_oauth_server_output_specification: {
          type: 'object',
          additionalProperties: true,
          properties: {
            client_id: { type: 'string', path_in_connector_config: ['credentials', 'client_id'] },
            client_secret: { type: 'string', path_in_connector_config: ['credentials', 'client_secret'] },
          },
        },
      },
    },
  };
}
