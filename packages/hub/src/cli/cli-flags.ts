/**
 * The CLI's flag parser: `--name value`, `--name=value`, `--flag` / `--no-flag` for booleans, repeatable
 * flags, and an environment variable (or several aliases) read when the flag is absent. The same table
 * prints `--help`, so the help always lists every flag with its variable and default.
 */
import { HubError } from '../errors.js';

export interface FlagSpec {
  readonly name: string;
  readonly kind: 'string' | 'boolean' | 'list';
  /** Environment variables read when the flag is absent, first found wins. */
  readonly env?: readonly string[];
  /** The default as shown in --help. */
  readonly defaultText: string;
  readonly description: string;
}

/** A usage error (code `USAGE`): the CLI prints the message and exits with code 2. */
export class UsageError extends HubError {
  declare readonly code: 'USAGE';
  override readonly name = 'UsageError';

  constructor(message: string, options?: ErrorOptions) {
    super('USAGE', message, options);
  }
}

export type FlagValues = Map<string, string | boolean | string[]>;

const LOOKS_LIKE_FLAG = /^--[a-z][a-z0-9-]*(=|$)/i;

export function parseFlags(
  argv: readonly string[],
  specs: readonly FlagSpec[],
  env: NodeJS.ProcessEnv,
): { values: FlagValues; help: boolean } {
  const byName = new Map(specs.map((spec) => [spec.name, spec]));
  const values: FlagValues = new Map();
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') {
      help = true;
      continue;
    }
    if (!arg.startsWith('--')) throw new UsageError(`unexpected argument "${arg}"`);
    const eq = arg.indexOf('=');
    let name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
    let inline: string | undefined = eq === -1 ? undefined : arg.slice(eq + 1);
    let spec = byName.get(name);
    if (spec === undefined && name.startsWith('no-') && byName.get(name.slice(3))?.kind === 'boolean') {
      name = name.slice(3);
      spec = byName.get(name)!;
      if (inline !== undefined) throw new UsageError(`--no-${name} takes no value`);
      inline = 'false';
    }
    if (spec === undefined) throw new UsageError(`unknown flag --${name}`);
    if (spec.kind === 'boolean') {
      values.set(name, parseBoolean(`--${name}`, inline ?? 'true'));
      continue;
    }
    if (inline === undefined) {
      const next = argv[i + 1];
      // A flag is `--name` or `--name=…`; anything else is a value, such as a PEM key ("-----BEGIN …").
      if (next === undefined || LOOKS_LIKE_FLAG.test(next)) throw new UsageError(`--${name} needs a value`);
      inline = next;
      i++;
    }
    if (spec.kind === 'list') {
      const list = values.get(name);
      values.set(name, [...(Array.isArray(list) ? list : []), inline]);
    } else {
      values.set(name, inline);
    }
  }
  for (const spec of specs) {
    if (values.has(spec.name)) continue;
    for (const variable of spec.env ?? []) {
      const value = env[variable];
      if (value === undefined || value === '') continue;
      if (spec.kind === 'boolean') values.set(spec.name, parseBoolean(variable, value));
      else if (spec.kind === 'list')
        values.set(
          spec.name,
          value
            .split(',')
            .map((v) => v.trim())
            .filter(Boolean),
        );
      else values.set(spec.name, value);
      break;
    }
  }
  return { values, help };
}

function parseBoolean(where: string, value: string): boolean {
  if (/^(1|true|yes|on)$/i.test(value)) return true;
  if (/^(0|false|no|off)$/i.test(value)) return false;
  throw new UsageError(`${where} must be true or false (1/0, yes/no), got "${value}"`);
}

/** Reads an integer flag in [min, max]; `fallback` when absent. */
export function integerFlag(values: FlagValues, name: string, fallback: number, min: number, max: number): number {
  const raw = values.get(name);
  if (raw === undefined) return fallback;
  const text = String(raw);
  if (!/^[0-9]+$/.test(text) || Number(text) < min || Number(text) > max) {
    throw new UsageError(`--${name} must be a whole number from ${min} to ${max}, got "${text}"`);
  }
  return Number(text);
}

export function stringFlag(values: FlagValues, name: string): string | undefined {
  const raw = values.get(name);
  return typeof raw === 'string' ? raw : undefined;
}

export function listFlag(values: FlagValues, name: string): string[] {
  const raw = values.get(name);
  return Array.isArray(raw) ? raw : typeof raw === 'string' ? [raw] : [];
}

/** The --help text of a command. */
export function helpText(usage: string, summary: string, specs: readonly FlagSpec[]): string {
  const rows = specs.map((spec) => {
    const flag =
      spec.kind === 'boolean'
        ? `--${spec.name}, --no-${spec.name}`
        : `--${spec.name} ${spec.kind === 'list' ? 'VALUE...' : 'VALUE'}`;
    const env = spec.env?.length ? `  [${spec.env.join(', ')}]` : '';
    return `  ${flag}\n      ${spec.description} Default: ${spec.defaultText}.${env}`;
  });
  return `Usage: ${usage}\n\n${summary}\n\nFlags (each may also come from the environment variables in brackets):\n${rows.join('\n')}\n  --help\n      Show this help.\n`;
}
