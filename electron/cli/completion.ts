import { Argument, type Command, type Option } from 'commander';

// Shell completion for bash, written from the program's own commands and options (commander
// offers none of its own), so it never lists an option the command lacks. What an option's
// value completes to comes from its placeholder: <path>/<file> files, <dir> folders, <backup>
// `latest` or a file; anything else (a version, a number) nothing.

type Values = 'files' | 'folders' | 'backups' | 'none';

function valuesOf(placeholder: string | undefined): Values {
  if (placeholder === undefined) return 'none';
  if (/^<(path|file)\b[^>]*>$/.test(placeholder)) return 'files';
  if (placeholder === '<dir>') return 'folders';
  if (placeholder === '<backup>') return 'backups';
  return 'none';
}

const COMPGEN: Record<Values, string> = {
  files: 'COMPREPLY=( $(compgen -f -- "$cur") )',
  folders: 'COMPREPLY=( $(compgen -d -- "$cur") )',
  backups: 'COMPREPLY=( $(compgen -W latest -- "$cur") $(compgen -f -- "$cur") )',
  none: 'COMPREPLY=()',
};

/** The long options of a command and what each option's value completes to. */
function optionsOf(command: Command): { names: string[]; values: Map<string, Values> } {
  const options = (command.options as Option[]).filter((o) => o.long && !o.hidden);
  return {
    names: [...options.map((o) => o.long!), '--help'],
    values: new Map(options.filter((o) => o.required || o.optional).map((o) => [o.long!, valuesOf(/<[^>]+>/.exec(o.flags)?.[0])])),
  };
}

/** The commands that run something (fleet's subcommands as "fleet status"), help left out. */
function leaves(program: Command): [string, Command][] {
  return program.commands
    .filter((c) => c.name() !== 'help')
    .flatMap((c): [string, Command][] =>
      c.commands.length ? c.commands.filter((s) => s.name() !== 'help').map((s): [string, Command] => [`${c.name()} ${s.name()}`, s]) : [[c.name(), c]],
    );
}

/** A bash completion script for `program` (install: eval "$(warden completion bash)" in ~/.bashrc). */
export function bashCompletion(program: Command): string {
  const name = program.name();
  const top = program.commands.filter((c) => c.name() !== 'help').map((c) => c.name());
  const groups = program.commands.filter((c) => c.commands.length);
  const cases = leaves(program).map(([path, command]) => {
    const { names, values } = optionsOf(command);
    const valueCases = [...values].map(([option, kind]) => `        ${option}) ${COMPGEN[kind]}; return ;;`).join('\n');
    const positional = valuesOf(command.registeredArguments[0] ? `<${command.registeredArguments[0].name()}>` : undefined);
    const options = `COMPREPLY=( $(compgen -W "${names.join(' ')}" -- "$cur") )`;
    return `    "${path}")
      case "$prev" in
${valueCases}
      esac
      ${positional === 'none' ? options : `if [[ "$cur" == -* ]]; then ${options}; else ${COMPGEN[positional]}; fi`}
      ;;`;
  });
  const groupCases = groups.map(
    (g) =>
      `    ${g.name()}) if [[ $COMP_CWORD -eq 2 ]]; then COMPREPLY=( $(compgen -W "${g.commands
        .filter((s) => s.name() !== 'help')
        .map((s) => s.name())
        .join(' ')}" -- "$cur") ); return; fi; command="${g.name()} \${COMP_WORDS[2]}" ;;`,
  );
  return `# bash completion for ${name} (Schema Warden), written by \`${name} completion bash\` from its own commands and options.
# Install: eval "$(${name} completion bash)" in ~/.bashrc
_${name}() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}" command="\${COMP_WORDS[1]}"
  if [[ $COMP_CWORD -eq 1 ]]; then COMPREPLY=( $(compgen -W "${top.join(' ')} --help --version" -- "$cur") ); return; fi
  case "$command" in
${groupCases.join('\n')}
  esac
  case "$command" in
${cases.join('\n')}
    *) COMPREPLY=() ;;
  esac
}
complete -o default -F _${name} ${name}
`;
}

/** `warden completion bash`: prints the script. */
export function addCompletionCommand(program: Command): void {
  program
    .command('completion')
    .description('print a shell completion script (bash) made from these commands and options')
    .addArgument(new Argument('<shell>', 'the shell').choices(['bash']))
    .action(() => {
      process.stdout.write(bashCompletion(program));
    });
}
