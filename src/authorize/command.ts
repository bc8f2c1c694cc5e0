/**
 * `authorize`: a person's sign-in from the terminal. Prints Pinterest's consent URL (and opens a browser
 * where one exists), waits for the redirect on http://localhost:PORT/, checks `state`, exchanges the code
 * and writes a complete config. Everything it says goes to stderr, for the person: stdout stays free of
 * anything but Airbyte messages (it writes none). No secret is ever printed.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseConfig } from '../config/load';
import { configError, messageOf } from '../errors';
import { DEFAULT_API_URL } from '../runtime';
import { validateBaseUrl } from '../http/requester';
import { openBrowser as openInBrowser, shouldOpenBrowser } from './browser';
import { prepareOutput, writeConfigFile } from './config-file';
import { AUTHORIZE_SCOPES, consentUrl, DEFAULT_OAUTH_URL, listenHosts, newState, redirectUriFor } from './consent';
import { htmlPage, RedirectListener, type RedirectRequest } from './redirect-listener';
import { exchangeCode } from './token-exchange';
import { MIN_CREDENTIAL_LENGTH, SecretMask } from '../util/secrets';

export const DEFAULT_TIMEOUT_SECONDS = 300;

interface AuthorizeArgs {
  clientId: string;
  clientSecret: string;
  /** Where the secret came from: on the command line it is readable in the process list while the sign-in waits. */
  clientSecretFrom?: 'argument' | 'environment' | 'stdin';
  port: number;
  out: string;
  force: boolean;
  /** false: print the URL only */
  browser: boolean;
  timeoutSeconds: number;
}

interface AuthorizeIO {
  env?: NodeJS.ProcessEnv;
  /** one line for the person (stderr) */
  say: (line: string) => void;
  openBrowser?: (url: string) => void;
}

export async function authorize(args: AuthorizeArgs, io: AuthorizeIO): Promise<number> {
  const env = io.env ?? process.env;
  // Every line for the person and every page for the browser goes through the mask: an error that echoes
  // the request (a proxy page, a redirect's Location) must not print the app secret or a token.
  const secrets = new SecretMask();
  const say = (line: string) => io.say(secrets.mask(line));
  let listener: RedirectListener | undefined;
  try {
    const { clientId, clientSecret } = checkArgs(args);
    secrets.add(clientSecret);
    secrets.add(Buffer.from(`${clientId}:${clientSecret}`).toString('base64'));
    if (args.clientSecretFrom === 'argument') {
      say(
        'Warning: --client-secret is readable by every user of this machine in the process list while the sign-in waits; set PINTEREST_CLIENT_SECRET or pass --client-secret-stdin and write it on stdin instead.',
      );
    }
    const apiUrl = validateBaseUrl(env.PINTEREST_API_URL || DEFAULT_API_URL);
    const oauthUrl = env.PINTEREST_OAUTH_URL || DEFAULT_OAUTH_URL;
    validateBaseUrl(oauthUrl, 'PINTEREST_OAUTH_URL');
    const out = await prepareOutput(resolve(process.cwd(), args.out), args.force);

    const { hosts, inContainer } = listenHosts(env, existsSync);
    listener = await RedirectListener.start(args.port, hosts);
    const redirectUri = redirectUriFor(listener.port);
    const state = newState();
    const url = consentUrl(oauthUrl, clientId, redirectUri, state);

    say('Open this link in a browser, sign in to Pinterest and choose "Give access":');
    say('');
    say(`  ${url}`);
    say('');
    say(
      `Waiting up to ${args.timeoutSeconds} s for Pinterest to send the browser back to ${redirectUri} (Ctrl-C stops).`,
    );
    if (inContainer)
      say(
        `Inside a container: listening on all interfaces; publish the port with -p 127.0.0.1:${listener.port}:${listener.port}.`,
      );
    if (args.port === 0)
      say(`--port 0 picked port ${listener.port}: the app must accept ${redirectUri} as a redirect URI.`);
    if (shouldOpenBrowser(env, !args.browser, inContainer)) (io.openBrowser ?? openInBrowser)(url);

    const request = await listener.next(args.timeoutSeconds * 1000);
    const outcome = await finishSignIn(request, {
      state,
      clientId,
      clientSecret,
      redirectUri,
      tokenUrl: `${apiUrl}/oauth/token`,
      out,
      force: args.force,
      secrets,
    });
    if (!outcome.ok) throw configError(outcome.message);
    if (outcome.missingScopes.length) {
      say(
        `Warning: Pinterest did not grant ${outcome.missingScopes.join(', ')}: streams that need them will fail or leave data out (secret boards and pins need the *_secret scopes, the catalog streams catalogs:read).`,
      );
    }
    say(`Signed in. Wrote ${out} (mode 0600) with the app's credentials and the refresh token.`);
    say(
      `Next: ${inContainer ? 'check' : 'node dist/main.js check'} --config ${args.out} --write-config (--write-config keeps the refresh token Pinterest may rotate in the file).`,
    );
    return 0;
  } catch (err) {
    say(`authorize failed: ${messageOf(err)}`);
    return 1;
  } finally {
    await listener?.close();
  }
}

function checkArgs(args: AuthorizeArgs): { clientId: string; clientSecret: string } {
  const clientId = args.clientId?.trim();
  const clientSecret = args.clientSecret?.trim();
  if (!clientId) throw configError('--client-id is empty: give the "App id" of your Pinterest app.');
  if (!clientSecret)
    throw configError(
      'The app secret is missing or empty: set PINTEREST_CLIENT_SECRET to the "App secret key" of your Pinterest app, or pass --client-secret-stdin and write it on stdin.',
    );
  if (clientSecret.length < MIN_CREDENTIAL_LENGTH)
    throw configError(
      `The app secret is ${clientSecret.length} character(s) long; a Pinterest "App secret key" has at least ${MIN_CREDENTIAL_LENGTH}: copy the whole value.`,
    );
  if (!Number.isInteger(args.port) || args.port < 0 || args.port > 65535)
    throw configError(`--port must be a port number (0-65535), got ${args.port}.`);
  if (!(args.timeoutSeconds > 0))
    throw configError(`--timeout must be a number of seconds above 0, got ${args.timeoutSeconds}.`);
  return { clientId, clientSecret };
}

interface Pending {
  state: string;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  tokenUrl: string;
  out: string;
  force: boolean;
  secrets: SecretMask;
}

type Outcome = { ok: true; missingScopes: string[] } | { ok: false; message: string };

/** Checks the redirect, exchanges the code, writes the file, then tells the browser what happened. */
async function finishSignIn(request: RedirectRequest, p: Pending): Promise<Outcome> {
  const outcome = await settle(request.params, p).catch((err): Outcome => ({ ok: false, message: messageOf(err) }));
  if (outcome.ok) {
    await request.respond(
      200,
      htmlPage(
        'Signed in to Pinterest',
        `source-pinterest saved its configuration to ${p.out}.`,
        'You can close this tab and go back to the terminal.',
      ),
    );
  } else {
    await request.respond(
      400,
      htmlPage(
        'Sign-in did not finish',
        p.secrets.mask(outcome.message),
        'Go back to the terminal and run authorize again.',
      ),
    );
  }
  return outcome;
}

/** Longest `error` / `error_description` shown: a redirect's text is anyone's to write. */
const MAX_REDIRECT_TEXT = 300;

/** A redirect's text as printed: control characters (a terminal's escape sequences, newlines) removed, cut. */
function printable(text: string): string {
  return text
    .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, '')
    .slice(0, MAX_REDIRECT_TEXT);
}

async function settle(params: URLSearchParams, p: Pending): Promise<Outcome> {
  // First, for every redirect (an error one too): one this command did not start says nothing worth printing.
  if (params.get('state') !== p.state) {
    return {
      ok: false,
      message:
        'The redirect did not carry the state this sign-in sent (an old browser tab, or a redirect this command did not start): its code was not used and nothing was written. Run authorize again.',
    };
  }
  const error = params.get('error');
  if (error === 'access_denied') {
    return {
      ok: false,
      message:
        'Access was not given on Pinterest\'s page (access_denied): nothing was written. Run authorize again and choose "Give access".',
    };
  }
  if (error !== null) {
    const description = printable(params.get('error_description') ?? '');
    return {
      ok: false,
      message: `Pinterest ended the sign-in with the error ${printable(error) || '(empty)'}${description ? ` (${description})` : ''}: nothing was written.`,
    };
  }
  const code = params.get('code');
  if (!code) return { ok: false, message: 'The redirect carried no authorization code: nothing was written.' };
  p.secrets.add(code);
  const tokens = await exchangeCode({
    tokenUrl: p.tokenUrl,
    clientId: p.clientId,
    clientSecret: p.clientSecret,
    code,
    redirectUri: p.redirectUri,
    secrets: p.secrets,
  });
  const config = {
    credentials: {
      auth_method: 'oauth2.0',
      client_id: p.clientId,
      client_secret: p.clientSecret,
      refresh_token: tokens.refreshToken,
    },
  };
  parseConfig(config); // the file must be one the connector accepts
  await writeConfigFile(p.out, config, p.force);
  const missingScopes = tokens.grantedScopes ? AUTHORIZE_SCOPES.filter((s) => !tokens.grantedScopes!.includes(s)) : [];
  return { ok: true, missingScopes };
}
