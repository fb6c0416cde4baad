// Finds the `tidings` commands in a piece of shell or prose (`npx tidings token --key K --publish '*'`,
// `npm start -- --cors-origins …`, which passes its flags to `tidings hub`), with the flags each names, so
// that readme-shell.test.ts can check them against the command's --help. Values are not checked, only names.

export interface TidingsCommand {
  /** `hub`, `token`, `publish`, or whatever else was written after `tidings`. */
  command: string;
  /** The `--name` / `--name=value` words after it, in order (synopsis brackets removed). */
  flags: string[];
}

// `tidings` as a word of its own, followed by a space: not @tidings/hub, tidings-replay or "Tidings hub".
const COMMAND = /(?:^|[\s;&|(`])(?:npx\s+)?tidings\s+(\S+)(.*)$|(?:^|[\s;&|(`])npm\s+start\s+--\s+(.*)$/;
// A pipe, a list, a closing substitution or a comment ends the command.
const END = /\s#|[|;)`]|&&/;

export function tidingsCommands(text: string): TidingsCommand[] {
  const found: TidingsCommand[] = [];
  for (const line of text.replace(/\\\n/g, ' ').split('\n')) {
    let rest = line;
    for (;;) {
      const match = COMMAND.exec(rest);
      if (match === null) break;
      const [, command, after, startFlags] = match;
      const tail = (startFlags ?? after ?? '').split(END)[0]!;
      const flags = tail
        .split(/\s+/)
        .map((word) => word.replace(/^[[(]+/, '').replace(/[\])]*(\.\.\.)?$/, ''))
        .filter((word) => /^--[a-z]/.test(word));
      if (startFlags !== undefined) found.push({ command: 'hub', flags });
      else if (command === '--help' || command === '-h') found.push({ command: 'hub', flags: [] });
      else if (/^[a-z]/.test(command!)) found.push({ command: command!.replace(/[`'")]+$/, ''), flags });
      // else a placeholder, as in "`npx tidings …` runs it": no command to check
      // A second command on the same line (`… && npx tidings publish …`) is looked for after this one.
      const next = (startFlags ?? after ?? '').search(END);
      if (next === -1) break;
      rest = (startFlags ?? after ?? '').slice(next + 1);
    }
  }
  return found;
}
