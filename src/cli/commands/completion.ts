// Shell completion scripts, generated from the program itself, so that they always list the
// commands and options this version has, and the statuses `--status` takes.
import type { Option } from 'commander';
import type { CommandContext } from '../context.js';
import { FIELD_NAMES, STATUSES } from '../names.js';
import { UsageError } from '../usage-error.js';

const SHELLS = ['bash', 'zsh', 'fish'] as const;
const NAME = 'aep-export-jobs';

interface Tree {
  globals: readonly Option[];
  commands: Array<{ name: string; description: string; options: readonly Option[] }>;
}

/** Values some options complete to. */
const VALUES: Record<string, readonly string[]> = {
  '--status': STATUSES.map((status) => status.toLowerCase()),
  '--fields': FIELD_NAMES,
};

export async function run(context: CommandContext): Promise<void> {
  const shell = context.command.args[0]!;
  if (!(SHELLS as readonly string[]).includes(shell))
    throw new UsageError(`completion supports ${SHELLS.join(', ')}; got ${JSON.stringify(shell)}`);
  const root = context.command.parent!;
  const tree: Tree = {
    globals: root.options,
    commands: root.commands.map((command) => ({
      name: command.name(),
      description: command.description(),
      options: command.options,
    })),
  };
  context.io.stdout.write(shell === 'fish' ? fish(tree) : bash(tree, shell === 'zsh'));
  await Promise.resolve();
}

const flags = (options: readonly Option[]) => [
  '--help',
  ...options.map((option) => option.long).filter((long): long is string => Boolean(long)),
];
const takesValue = (option: Option) => option.required || option.optional;

function bash(tree: Tree, zsh: boolean): string {
  const valued = [...tree.globals, ...tree.commands.flatMap((command) => command.options)]
    .filter(takesValue)
    .map((option) => option.long);
  const perCommand = tree.commands
    .map((command) => `    ${command.name}) options="${flags(command.options).join(' ')}" ;;`)
    .join('\n');
  const values = Object.entries(VALUES)
    .map(([flag, list]) => `    ${flag}) COMPREPLY=($(compgen -W "${list.join(' ')}" -- "$cur")); return ;;`)
    .join('\n');
  return `${zsh ? `# zsh: completion through bash's, which zsh provides.\nautoload -U +X bashcompinit && bashcompinit\n` : ''}# ${NAME} completion for ${zsh ? 'zsh' : 'bash'}: source <(${NAME} completion ${zsh ? 'zsh' : 'bash'})
_aep_export_jobs() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}"
  local commands="${tree.commands.map((command) => command.name).join(' ')}"
  local globals="${flags(tree.globals).join(' ')}"
  local valued=" ${[...new Set(valued)].join(' ')} "
  case "$prev" in
${values}
    completion) COMPREPLY=($(compgen -W "${SHELLS.join(' ')}" -- "$cur")); return ;;
    --out|--file) COMPREPLY=($(compgen -f -- "$cur")); return ;;
  esac
  # The command is the first word that is neither an option nor an option's value.
  local command="" i=1
  while [ $i -lt $COMP_CWORD ]; do
    local word="\${COMP_WORDS[i]}"
    if [[ "$word" == -* ]]; then
      [[ "$valued" == *" $word "* ]] && i=$((i + 1))
    else
      command="$word"; break
    fi
    i=$((i + 1))
  done
  if [ -z "$command" ]; then
    COMPREPLY=($(compgen -W "$commands $globals" -- "$cur")); return
  fi
  local options=""
  case "$command" in
${perCommand}
  esac
  COMPREPLY=($(compgen -W "$options $globals" -- "$cur"))
}
complete -F _aep_export_jobs ${NAME}
`;
}

function fish(tree: Tree): string {
  const quote = (text: string) => `'${text.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
  const option = (item: Option, condition: string | undefined) => {
    const long = item.long?.replace(/^--/, '');
    if (!long) return '';
    const values = item.long ? VALUES[item.long] : undefined;
    return (
      `complete -c ${NAME}${condition ? ` -n ${quote(condition)}` : ''} -l ${long}` +
      `${takesValue(item) ? (values ? ` -x -a ${quote(values.join(' '))}` : ' -r') : ''} -d ${quote(item.description)}\n`
    );
  };
  let script = `# ${NAME} completion for fish: ${NAME} completion fish > ~/.config/fish/completions/${NAME}.fish\ncomplete -c ${NAME} -f\n`;
  for (const command of tree.commands) {
    script += `complete -c ${NAME} -n '__fish_use_subcommand' -a ${command.name} -d ${quote(command.description)}\n`;
  }
  for (const item of tree.globals) script += option(item, undefined);
  for (const command of tree.commands) {
    for (const item of command.options) script += option(item, `__fish_seen_subcommand_from ${command.name}`);
  }
  script += `complete -c ${NAME} -n '__fish_seen_subcommand_from completion' -a ${quote(SHELLS.join(' '))}\n`;
  return script;
}
