import { Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base-command.js';
import { ConfigError } from '../core/errors.js';
import { isLoopbackHost } from '../core/target/resolve.js';
import { FAULTS, isFaultName, startServer } from '../server/index.js';

export default class Serve extends BaseCommand {
  static override summary = 'Run the built-in reference SCIM server (in memory), optionally with named faults.';
  static override description = `A strict, in-memory SCIM 2.0 service provider for demos, for developing against, and for proving scimcheck's checks: every check passes against it, and fails against the fault that breaks its rule. It prints its base URL and token and runs until SIGINT or SIGTERM.`;
  static override examples = [
    '<%= config.bin %> <%= command.id %> --port 4000 --token dev-token --seed 100',
    '<%= config.bin %> <%= command.id %> --fault filter-404-on-no-match --fault patch-op-case-sensitive',
    '<%= config.bin %> <%= command.id %> --latency 150 --error-rate 0.05 --rate-limit 25',
    '<%= config.bin %> <%= command.id %> --list-faults',
  ];

  static override flags = {
    port: Flags.integer({ summary: 'Port to listen on (0 picks a free one).', default: 4000, min: 0, max: 65535 }),
    host: Flags.string({ summary: 'Address to listen on.', default: '127.0.0.1' }),
    token: Flags.string({ summary: 'Bearer token clients must send (default: a random one, printed).', env: 'SCIMCHECK_SERVE_TOKEN' }),
    seed: Flags.integer({ summary: 'Users to pre-create, with one group per ten users.', default: 0, min: 0, max: 1_000_000 }),
    fault: Flags.string({ summary: 'Named fault to switch on (repeatable; see --list-faults).', multiple: true }),
    latency: Flags.integer({ summary: 'Delay before every response, in ms.', default: 0, min: 0, max: 60_000 }),
    'error-rate': Flags.string({ summary: 'Fraction (0..1) of requests answered with 500 (seeded, repeatable).', default: '0' }),
    'error-seed': Flags.integer({ summary: 'Seed of the --error-rate generator.', default: 1 }),
    'rate-limit': Flags.integer({ summary: 'Requests per second above which the server answers 429 with Retry-After.', min: 1 }),
    'list-faults': Flags.boolean({ summary: 'Print every named fault with one line and exit.', default: false }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Serve);
    this.setupOutput(flags.color);
    if (flags['list-faults']) {
      const width = Math.max(...Object.keys(FAULTS).map((k) => k.length));
      for (const [name, what] of Object.entries(FAULTS)) this.out(`${name.padEnd(width)}  ${what}`);
      return;
    }
    const bad = (flags.fault ?? []).filter((f) => !isFaultName(f));
    if (bad.length) throw new ConfigError(`--fault: unknown fault ${bad.map((b) => `"${b}"`).join(', ')} (scimcheck serve --list-faults lists them)`);
    const errorRate = Number(flags['error-rate']);
    if (!(errorRate >= 0 && errorRate <= 1)) throw new ConfigError(`--error-rate: expected a number from 0 to 1, got "${flags['error-rate']}"`);
    if (!isLoopbackHost(flags.host)) this.err(this.ch.yellow(`warning: listening on ${flags.host}: the server is reachable from the network; it is a test server, with test data only.`));

    let server;
    try {
      server = await startServer({
        port: flags.port,
        host: flags.host,
        ...(flags.token ? { token: flags.token } : {}),
        seed: flags.seed,
        faults: flags.fault ?? [],
        latencyMs: flags.latency,
        errorRate,
        errorSeed: flags['error-seed'],
        ...(flags['rate-limit'] ? { rateLimit: flags['rate-limit'] } : {}),
      });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EADDRINUSE') throw new ConfigError(`--port: port ${flags.port} is in use (try --port 0 for a free one)`);
      if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') throw new ConfigError(`--host: cannot listen on ${flags.host}`);
      throw err;
    }
    // The token is printed on purpose: it is this server's own, and the user needs it.
    process.stdout.write(`scimcheck reference server listening\n  base URL: ${server.url}\n  token:    ${server.token}\n`);
    if (server.faults.length) process.stdout.write(`  faults:   ${server.faults.join(', ')}\n`);
    process.stdout.write(`\nTry: scimcheck test-connection --base-url ${server.url} --token ${server.token}\nStop with Ctrl-C.\n`);

    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    await server.close();
    process.stdout.write('stopped\n');
  }
}
