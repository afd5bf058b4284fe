import type { CommandSpec } from '../context.js';

export const completionSpec: CommandSpec = {
  name: 'completion',
  define: (command) =>
    command
      .description('print a shell completion script for commands, options and statuses')
      .argument('<shell>', 'bash, zsh or fish'),
  examples: [
    ['bash, in ~/.bashrc', 'source <(aep-export-jobs completion bash)'],
    ['zsh, in ~/.zshrc', 'source <(aep-export-jobs completion zsh)'],
    ['fish', 'aep-export-jobs completion fish > ~/.config/fish/completions/aep-export-jobs.fish'],
  ],
  load: () => import('../commands/completion.js'),
};
