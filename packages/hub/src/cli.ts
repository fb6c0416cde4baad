#!/usr/bin/env node
/**
 * The `tidings` command. Exit codes: 0 success, 1 runtime failure (port in use, publish refused),
 * 2 usage error (unknown flag, invalid value), with a message saying what to fix.
 */
import cluster from 'node:cluster';
import { UsageError } from './cli/cli-flags.js';
import { HUB_HELP, readHubConfig, runHub } from './cli/cli-hub.js';
import { PUBLISH_HELP, publish } from './cli/cli-publish.js';
import { makeToken, TOKEN_HELP } from './cli/cli-token.js';
import { superviseWorkers } from './cli/cli-workers.js';

/**
 * What `tidings` and `tidings --help` print: the commands and where their flags are, short enough to read
 * at a glance (each command's --help has its whole flag table).
 */
const MAIN_USAGE = `Usage: tidings <command> [flags]

Commands:
  hub       Run a Mercure hub (Server-Sent Events pub/sub)
  token     Print a signed JWT for publishers and subscribers (development)
  publish   Publish one update to a hub

Start:    tidings hub --jwt-key KEY --anonymous   (KEY: a secret of at least 32 bytes)
Flags:    tidings hub --help, tidings token --help, tidings publish --help
`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case undefined:
        // No command is a usage error: the short usage goes to stderr, so a script that forgot it fails.
        process.stderr.write(MAIN_USAGE);
        return 2;
      case 'help':
      case '--help':
      case '-h':
        process.stdout.write(MAIN_USAGE);
        return 0;
      case 'hub': {
        const config = readHubConfig(rest, process.env);
        if (config === 'help') {
          process.stdout.write(HUB_HELP);
          return 0;
        }
        // The primary of several workers only supervises them; each worker (and a single hub) runs the hub.
        if (config.workers > 1 && cluster.isPrimary) superviseWorkers(config);
        else await runHub(config);
        return -1; // keeps running until a signal
      }
      case 'token': {
        const token = makeToken(rest, process.env);
        process.stdout.write(token === 'help' ? TOKEN_HELP : `${token}\n`);
        return 0;
      }
      case 'publish': {
        const id = await publish(rest, process.env);
        process.stdout.write(id === 'help' ? PUBLISH_HELP : `${id}\n`);
        return 0;
      }
      default:
        throw new UsageError(`unknown command "${command}" (commands: hub, token, publish)`);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(
        `tidings: ${error.message}\nRun "tidings ${command === 'hub' || command === 'token' || command === 'publish' ? `${command} ` : ''}--help" for usage.\n`,
      );
      return 2;
    }
    process.stderr.write(`tidings: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}

main(process.argv.slice(2)).then((code) => {
  if (code >= 0) process.exitCode = code;
});
