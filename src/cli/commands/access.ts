import type { Command } from 'commander';
import { ROLES } from '../../core/access/roles.ts';
import { DossierError } from '../../core/errors.ts';
import type { TokenJson, TrainingRecordJson, UserJson } from '../../core/wire-schemas.ts';
import type { DossierClient } from '../client.ts';
import { connect, type GlobalOptions, serverUrl } from '../connect.ts';
import { httpClient } from '../http-client.ts';
import { json, type Output, table } from '../output.ts';
import { requirePassword } from '../read-secret.ts';
import { loadSession, removeSession, sameServer, saveSession } from '../session-file.ts';

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function registerAccess(program: Command, io: Output): void {
  registerLogin(program, io);
  registerUser(program, io);
  registerRole(program, io);
  registerTraining(program, io);
  registerToken(program, io);
}

async function withClient(command: Command, work: (client: DossierClient) => Promise<void>) {
  const client = await connect(command.optsWithGlobals<GlobalOptions>(), process.env);
  try {
    await work(client);
  } finally {
    await client.close();
  }
}

function registerLogin(program: Command, io: Output): void {
  program
    .command('login')
    .description('sign in to the server; later commands use the session until it expires')
    .requiredOption('--username <name>', 'your username')
    .option(
      '--password-stdin',
      'read the password from standard input (default: prompt at a terminal)',
    )
    .action(async (options: { username: string; passwordStdin?: boolean }, command: Command) => {
      const globals = command.optsWithGlobals<GlobalOptions>();
      if (globals.local) {
        throw new DossierError('INVALID_INPUT', 'dossier login signs in to a server, not --local');
      }
      const url = serverUrl(globals, process.env);
      const password = await requirePassword(options);
      const session = await httpClient({ baseUrl: url }).login(options.username, password);
      const path = await saveSession(process.env, {
        url,
        username: session.user.username,
        token: session.token,
        expiresAt: session.expiresAt,
      });
      io.out(
        `Signed in to ${url} as ${session.user.username} (${session.user.fullName}) until ${session.expiresAt}`,
      );
      io.out(`  session kept in ${path}`);
    });

  program
    .command('logout')
    .description('end the session dossier login started, on the server and on this machine')
    .action(async (_options: unknown, command: Command) => {
      const globals = command.optsWithGlobals<GlobalOptions>();
      const session = await loadSession(process.env);
      if (!session) {
        io.out('Not signed in.');
        return;
      }
      const url = globals.url ?? process.env.DOSSIER_URL ?? session.url;
      try {
        if (sameServer(url, session.url)) {
          await httpClient({ baseUrl: session.url, token: session.token }).logout();
        }
      } catch (error) {
        // An expired or already ended session is as good as ended; anything else is reported.
        const code = error instanceof DossierError ? error.code : undefined;
        if (code !== 'UNAUTHENTICATED' && code !== 'TOKEN_EXPIRED') throw error;
      } finally {
        await removeSession(process.env);
      }
      io.out(`Signed out of ${session.url} (${session.username}).`);
    });

  program
    .command('whoami')
    .description('who the server takes you for: identity, roles and how you signed in')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }, command: Command) => {
      await withClient(command, async (client) => {
        const actor = await client.whoAmI();
        if (options.json) {
          io.out(json(actor));
          return;
        }
        io.out(`${actor.id}${actor.method ? ` (${actor.method})` : ''}`);
        io.out(`  roles     ${actor.roles.join(', ') || '-'}`);
        if (actor.services) io.out(`  services  ${actor.services.join(', ')}`);
      });
    });
}

function registerUser(program: Command, io: Output): void {
  const user = program.command('user').description('user accounts (admin)');

  user
    .command('create')
    .description('create an account; the initial password is read from standard input')
    .requiredOption('--username <name>', 'unique, lowercase: 3-64 letters, digits, ".", "_", "-"')
    .requiredOption('--name <full name>', 'the printed name signatures carry')
    .option('--role <role>', `a role to grant (repeatable): ${ROLES.join(', ')}`, collect)
    .option('--password-stdin', 'read the initial password from standard input (default: prompt)')
    .option('--json', 'print the user as JSON')
    .action(
      async (
        options: {
          username: string;
          name: string;
          role?: string[];
          passwordStdin?: boolean;
          json?: boolean;
        },
        command: Command,
      ) => {
        const password = await requirePassword(
          options,
          `Initial password for ${options.username}: `,
        );
        await withClient(command, async (client) => {
          const created = await client.createUser({
            username: options.username,
            fullName: options.name,
            password,
            roles: options.role ?? [],
          });
          if (options.json) io.out(json(created));
          else
            io.out(`Created user ${created.username} (${created.fullName}): ${rolesOf(created)}`);
        });
      },
    );

  user
    .command('list')
    .description('list accounts and their roles')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }, command: Command) => {
      await withClient(command, async (client) => {
        const users = await client.listUsers();
        if (options.json) {
          io.out(json(users));
          return;
        }
        if (users.length === 0) {
          io.out('No users yet.');
          return;
        }
        for (const line of table([
          ['USERNAME', 'NAME', 'ROLES', 'STATE', 'CREATED'],
          ...users.map((item) => [
            item.username,
            item.fullName,
            rolesOf(item),
            item.disabledAt ? `disabled ${item.disabledAt}` : 'active',
            item.createdAt,
          ]),
        ])) {
          io.out(line);
        }
      });
    });

  user
    .command('disable')
    .description('disable an account: no more sign-in or signing; the record stays')
    .argument('<username>')
    .action(async (username: string, _options: unknown, command: Command) => {
      await withClient(command, async (client) => {
        const disabled = await client.disableUser(username);
        io.out(`Disabled ${disabled.username} at ${disabled.disabledAt}`);
      });
    });
}

function registerRole(program: Command, io: Output): void {
  const role = program.command('role').description('grant and revoke roles (admin)');
  for (const change of ['grant', 'revoke'] as const) {
    role
      .command(change)
      .description(`${change} a role; nobody may ${change} a role on their own account`)
      .requiredOption('--user <username>', 'the account')
      .requiredOption('--role <role>', ROLES.join(', '))
      .action(async (options: { user: string; role: string }, command: Command) => {
        await withClient(command, async (client) => {
          const result =
            change === 'grant'
              ? await client.grantRole(options.user, options.role)
              : await client.revokeRole(options.user, options.role);
          const verb = change === 'grant' ? 'Granted' : 'Revoked';
          io.out(
            result.changed
              ? `${verb} ${options.role} ${change === 'grant' ? 'to' : 'from'} ${result.user.username}: ${rolesOf(result.user)}`
              : `No change: ${result.user.username} has ${rolesOf(result.user)}`,
          );
        });
      });
  }
}

function registerTraining(program: Command, io: Output): void {
  const training = program.command('training').description('training records (admin records)');

  training
    .command('record')
    .description('record that a person completed a course')
    .requiredOption('--user <username>', 'the person')
    .requiredOption('--course <id>', 'course id, e.g. GCP-101')
    .requiredOption('--version <version>', 'course version, e.g. 3')
    .requiredOption('--completed <date>', 'day completed, YYYY-MM-DD')
    .option('--expires <date>', 'last day the training counts, YYYY-MM-DD (default: never)')
    .option('--json', 'print the record as JSON')
    .action(
      async (
        options: {
          user: string;
          course: string;
          version: string;
          completed: string;
          expires?: string;
          json?: boolean;
        },
        command: Command,
      ) => {
        await withClient(command, async (client) => {
          const record = await client.recordTraining(options.user, {
            course: options.course,
            version: options.version,
            completedOn: options.completed,
            expiresOn: options.expires ?? null,
          });
          if (options.json) io.out(json(record));
          else io.out(`Recorded ${describeTraining(record)} for ${record.username}`);
        });
      },
    );

  training
    .command('list')
    .description("a person's training records, and whether they may sign for a role")
    .requiredOption('--user <username>', 'the person')
    .option('--role <role>', 'also say whether the person may sign for this role now')
    .option('--json', 'print JSON')
    .action(async (options: { user: string; role?: string; json?: boolean }, command: Command) => {
      await withClient(command, async (client) => {
        const records = await client.listTraining(options.user);
        const eligibility = options.role
          ? await client.eligibility(options.user, options.role)
          : undefined;
        if (options.json) {
          io.out(json(eligibility ? { items: records, eligibility } : { items: records }));
          return;
        }
        if (records.length === 0) io.out(`No training recorded for ${options.user}.`);
        for (const record of records) io.out(`  ${describeTraining(record)}`);
        if (eligibility && options.role) {
          io.out(
            eligibility.eligible
              ? `${options.user} may sign as ${options.role}.`
              : `${options.user} may not sign as ${options.role}: ${eligibility.reason}`,
          );
        }
      });
    });
}

function registerToken(program: Command, io: Output): void {
  const token = program.command('token').description('API tokens for CI (admin)');

  token
    .command('create')
    .description('create a token; its value is printed once')
    .requiredOption('--name <name>', 'unique name, e.g. ci-payments')
    .requiredOption('--role <role>', 'a role the token holds (repeatable)', collect)
    .option('--service <name>', 'limit writes to this service (repeatable)', collect)
    .option('--expires-in-days <n>', 'lifetime in days (default: no expiry)')
    .option('--json', 'print { token, value } as JSON')
    .action(
      async (
        options: {
          name: string;
          role: string[];
          service?: string[];
          expiresInDays?: string;
          json?: boolean;
        },
        command: Command,
      ) => {
        const input: Record<string, unknown> = { name: options.name, roles: options.role };
        if (options.service) input.services = options.service;
        if (options.expiresInDays !== undefined) {
          if (!/^\d+$/.test(options.expiresInDays)) {
            throw new DossierError('INVALID_INPUT', '--expires-in-days must be a whole number', {
              issues: [{ path: '--expires-in-days', message: 'not a whole number' }],
            });
          }
          input.expiresInDays = Number(options.expiresInDays);
        }
        await withClient(command, async (client) => {
          const created = await client.createToken(input);
          if (options.json) {
            io.out(json(created));
            return;
          }
          io.out(
            `Created API token ${created.token.name} (${created.token.id}): ${describeToken(created.token)}`,
          );
          io.out('It is shown only this once; store it now:');
          io.out(`  ${created.value}`);
        });
      },
    );

  token
    .command('list')
    .description('list tokens, revoked and expired ones too')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }, command: Command) => {
      await withClient(command, async (client) => {
        const tokens = await client.listTokens();
        if (options.json) {
          io.out(json(tokens));
          return;
        }
        for (const line of table([
          ['NAME', 'ID', 'ROLES', 'SERVICES', 'EXPIRES', 'STATE', 'CREATED BY'],
          ...tokens.map((item) => [
            item.name,
            item.id,
            item.roles.join(','),
            item.services?.join(',') ?? 'any',
            item.expiresAt ?? 'never',
            item.revokedAt ? `revoked ${item.revokedAt}` : 'active',
            item.createdBy,
          ]),
        ])) {
          io.out(line);
        }
      });
    });

  token
    .command('revoke')
    .description('revoke a token by id or name: refused from now on')
    .argument('<id-or-name>')
    .action(async (idOrName: string, _options: unknown, command: Command) => {
      await withClient(command, async (client) => {
        const revoked = await client.revokeToken(idOrName);
        io.out(`Revoked API token ${revoked.name} (${revoked.id}) at ${revoked.revokedAt}`);
      });
    });
}

function rolesOf(user: UserJson): string {
  return user.roles.length > 0 ? user.roles.join(', ') : 'no roles';
}

function describeTraining(record: TrainingRecordJson): string {
  return `${record.course} v${record.version}, completed ${record.completedOn}, ${record.expiresOn ? `valid through ${record.expiresOn}` : 'no expiry'}`;
}

function describeToken(token: TokenJson): string {
  const services = token.services ? `, services ${token.services.join(', ')}` : '';
  return `roles ${token.roles.join(', ')}${services}, ${token.expiresAt ? `expires ${token.expiresAt}` : 'no expiry'}`;
}
