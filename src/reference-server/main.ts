import { demoSeed, startReferenceServer } from './index.js';

/** `npm run reference-server -- --port 8080`: the demo server for trying the suite by hand. */
function portFromArguments(args: string[]): string | undefined {
  const index = args.findIndex((arg) => arg === '--port' || arg.startsWith('--port='));
  if (index === -1) return undefined;
  const arg = args[index] ?? '';
  return arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : args[index + 1];
}

function readPort(): number {
  const text = portFromArguments(process.argv.slice(2)) ?? process.env['PORT'] ?? '8080';
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`Not a port number: ${JSON.stringify(text)}`);
    process.exit(2);
  }
  return port;
}

async function main(): Promise<void> {
  const token = process.env['SCIM_TOKEN'];
  const server = await startReferenceServer({
    port: readPort(),
    host: '127.0.0.1',
    seed: demoSeed(),
    ...(token === undefined || token === '' ? {} : { token }),
  });
  console.log(`SCIM reference server: ${server.baseUrl}`);
  // The token itself is never printed: terminals and CI logs get shared.
  console.log(token ? 'Authentication: Bearer token from SCIM_TOKEN.' : 'Note: SCIM_TOKEN is not set, so requests need no authentication.');
  const stop = () => {
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
