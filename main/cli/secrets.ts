import { SECRET_NAMES, type SecretName, type SecretsStatus } from '../../common/model';
import { call, connect } from './client';
import { EXIT, usageError, type Command } from './command';

const USAGE = `  secrets set NAME             Store an alert receiver secret read from stdin (slackUrl, smtpPassword, webhookToken)
  secrets clear NAME           Remove it;  secrets status: which are set (values are never shown)
`;

/**
 * `lookout secrets set|clear|status`: through the running instance, which writes the 0600 file (or the
 * app's safeStorage) and re-applies the configs. The value comes from stdin, never from argv, so it
 * stays out of shell history and `ps`.
 */
export const secretsCommand: Command = {
  name: 'secrets',
  usage: USAGE,
  async run(args) {
    const [verb, name, ...extra] = args;
    if (extra.length) throw usageError(`lookout secrets takes one name (got ${args.join(' ')})`, USAGE);
    const checkName = (n: string | undefined): SecretName => {
      if (!n || !(SECRET_NAMES as readonly string[]).includes(n)) throw usageError(`secret name must be one of ${SECRET_NAMES.join(', ')} (got ${n ?? 'none'})`, USAGE);
      return n as SecretName;
    };
    const client = await connect();
    let status: SecretsStatus;
    switch (verb) {
      case 'set': {
        const secret = checkName(name);
        if (process.stdin.isTTY) process.stderr.write(`Paste the value for ${secret}, then press Enter and Ctrl-D:\n`);
        const chunks: Buffer[] = [];
        for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
        const value = Buffer.concat(chunks).toString('utf8').trim();
        if (!value) throw usageError(`no value for ${secret} on stdin`, USAGE);
        status = await call(() => client.secrets.set({ name: secret, value }));
        break;
      }
      case 'clear':
        status = await call(() => client.secrets.clear({ name: checkName(name) }));
        break;
      case 'status':
        if (name) throw usageError('lookout secrets status takes no name', USAGE);
        status = await call(() => client.secrets.get());
        break;
      default:
        throw usageError(`unknown secrets command: ${verb ?? '(none)'}`, USAGE);
    }
    process.stdout.write(`${SECRET_NAMES.map((n) => `${n.padEnd(13)} ${status[n] ? 'set' : 'not set'}`).join('\n')}\n`);
    return EXIT.ok;
  },
};
