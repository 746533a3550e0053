/** An OAuth 2.0 token endpoint (client-credentials grant only) on 127.0.0.1. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TestTokenEndpoint {
  url: string;
  /** The access token it hands out. */
  accessToken: string;
  /** How many token requests it has answered. */
  calls: number;
  forms: URLSearchParams[];
  close(): Promise<void>;
}

export async function startTokenEndpoint(clientId: string, clientSecret: string, expiresIn = 3600): Promise<TestTokenEndpoint> {
  const state: TestTokenEndpoint = {
    url: '',
    accessToken: 'at-7f3c9e1d5b2a48c6a0e4f1d2c3b4a596',
    calls: 0,
    forms: [],
    close: async () => undefined,
  };
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      state.calls++;
      const form = new URLSearchParams(body);
      state.forms.push(form);
      res.setHeader('content-type', 'application/json');
      if (form.get('grant_type') !== 'client_credentials' || form.get('client_id') !== clientId || form.get('client_secret') !== clientSecret) {
        res.statusCode = 401;
        res.end(JSON.stringify({ error: 'invalid_client', error_description: 'client authentication failed' }));
        return;
      }
      res.end(JSON.stringify({ access_token: state.accessToken, token_type: 'Bearer', expires_in: expiresIn }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/oauth2/token`;
  state.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return state;
}
