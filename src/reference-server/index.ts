import { serve } from './http.js';
import { createScimService, type ScimService, type ServiceOptions } from './service.js';

export type { ScimHandler, ScimRequest, ScimResponse } from './types.js';
export type { ScimService, ServiceOptions } from './service.js';
export type { RunningServer, ServeOptions } from './http.js';
export { createScimService } from './service.js';
export { serve } from './http.js';
export { demoSeed } from './demo-seed.js';
export { inProcessClient } from './in-process.js';
export type { InProcessRequest, InProcessResponse, InProcessSend } from './in-process.js';

export interface ReferenceServer {
  /** origin + basePath, e.g. http://127.0.0.1:41234/scim/v2: what a SCIM client calls its Base URL. */
  baseUrl: string;
  close(): Promise<void>;
  service: ScimService;
}

/** The reference server over HTTP, on 127.0.0.1 and a free port unless told otherwise. */
export async function startReferenceServer(options: ServiceOptions & { host?: string; port?: number } = {}): Promise<ReferenceServer> {
  const { host, port, ...serviceOptions } = options;
  const service = createScimService(serviceOptions);
  const server = await serve(service.handle, {
    ...(host === undefined ? {} : { host }),
    ...(port === undefined ? {} : { port }),
  });
  const basePath = (serviceOptions.basePath ?? '/scim/v2').replace(/\/+$/, '');
  return { baseUrl: `${server.origin}${basePath}`, close: server.close, service };
}
