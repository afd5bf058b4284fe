/**
 * OAuth Server-to-Server credentials of an Adobe Developer Console project.
 *
 * @example
 * ```ts
 * const credentials: OAuthCredentials = {
 *   clientId: process.env.AEP_CLIENT_ID!,
 *   clientSecret: process.env.AEP_CLIENT_SECRET!,
 *   scopes: ['openid', 'AdobeID', 'read_organizations', 'additional_info.projectedProductContext'],
 * };
 * ```
 */
export interface OAuthCredentials {
  /** The client id (also the `x-api-key`). */
  clientId: string;
  /** The client secret. Never logged, never put in an error. */
  clientSecret: string;
  /** Scopes, as an array or IMS's comma-separated string. Default `DEFAULT_SCOPES`. */
  scopes?: readonly string[] | string;
  /** The IMS token endpoint. Default `https://ims-na1.adobelogin.com/ims/token/v3`. */
  imsUrl?: string;
  /** Renew this long before expiry, in ms. Default 5 minutes (a tenth of the lifetime if that is shorter). */
  refreshMargin?: number;
}
