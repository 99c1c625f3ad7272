/** Google's token endpoint (`/token`): dispatches on grant_type, answers with Google's OAuth error bodies. */
import { OAuthError, formBody, type EmulatorRequest, type EmulatorResponse } from '../http.js';
import { jwtBearerGrant, type JwtBearerContext } from './jwt-bearer.js';

export const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

export type GrantHandler = (form: URLSearchParams, request: EmulatorRequest) => Promise<EmulatorResponse>;

export function tokenEndpoint(jwtBearer: JwtBearerContext, otherGrants: Readonly<Record<string, GrantHandler>> = {}) {
  return async (request: EmulatorRequest): Promise<EmulatorResponse> => {
    const form = formBody(request);
    const grantType = form.get('grant_type');
    if (!grantType) throw new OAuthError(400, 'unsupported_grant_type', 'Invalid grant_type: ');
    if (grantType === JWT_BEARER) return jwtBearerGrant(jwtBearer, form);
    const handler = otherGrants[grantType];
    if (!handler) throw new OAuthError(400, 'unsupported_grant_type', `Invalid grant_type: ${grantType}`);
    return handler(form, request);
  };
}
