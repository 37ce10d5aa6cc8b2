import type { Command } from 'commander';
import { API_ROLES } from '../../lib/auth/apiKeys';
import { answer, pathParams } from '../apiClient';
import { CliError } from '../cliError';
import type { CliContext } from '../context';

const isRole = (role: string): role is (typeof API_ROLES)[number] => (API_ROLES as readonly string[]).includes(role);

export function registerKeyCommands(program: Command, context: CliContext): void {
  const keys = program.command('keys').description('API keys (admin). The first key can be created while none exists, from this machine');

  keys
    .command('create')
    .description('create a key and print it once: it is stored only as a hash')
    .requiredOption('--role <role>', API_ROLES.join(' | '))
    .option('--name <name>', 'who or what the key is for', 'cli')
    .option('--json', 'print JSON')
    .action(async (options: { role: string; name: string; json?: boolean }) => {
      if (!isRole(options.role)) throw new CliError(`--role ${options.role}: expected one of ${API_ROLES.join(', ')}`);
      const created = await answer(context.api().api.v1.keys.$post({ json: { role: options.role, name: options.name } }));
      if (options.json) return context.printJson(created);
      context.print(`created ${created.role} key ${created.id} (${created.name}):\n${created.key}\nStore it now: it is not shown again. Use it as CAIRN_API_KEY.`);
    });

  keys
    .command('list')
    .description('active keys (ids, names, roles; never the keys)')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      const list = await answer(context.api().api.v1.keys.$get());
      if (options.json) return context.printJson(list);
      for (const key of list.keys) context.print(`${key.id}  ${key.role.padEnd(8)}  ${key.createdAt}  ${key.name}`);
    });

  keys
    .command('revoke')
    .description('revoke a key by id')
    .argument('<id>')
    .option('--json', 'print JSON')
    .action(async (id: string, options: { json?: boolean }) => {
      const result = await answer(context.api().api.v1.keys[':id'].$delete({ param: pathParams({ id }) }));
      if (options.json) return context.printJson(result);
      context.print(`revoked ${result.id}`);
    });
}
