import { spawn, type ChildProcess } from 'node:child_process';
import { connect, createServer } from 'node:net';
import type { SshTarget } from './fleet-file';

// An agent on a VM listens on the VM's loopback only; the fleet reaches it the way database GUIs
// reach servers: the system's OpenSSH client forwards a free local port to it (`ssh -N -L`).
// BatchMode: never ask for a password or a passphrase (use a key or ssh-agent);
// ExitOnForwardFailure: fail at once rather than run without the forward.

export class TunnelFailed extends Error {}

export interface Tunnel {
  /** http://127.0.0.1:<local port> */
  origin: string;
  /** Settles when ssh has exited (closed, or the connection to the VM lost): the tunnel is no more. */
  ended: Promise<void>;
  /** Everything ssh has written to stderr so far (e.g. "channel 2: open failed: connect failed: Connection refused"). */
  said(): string;
  close(): Promise<void>;
}

const READY_TIMEOUT_MS = 20_000;

/** The ssh processes of open tunnels: ended with this process (they run in their own process group). */
const openTunnels = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of openTunnels) child.kill('SIGTERM');
});

/** A port nobody listens on now (the OS picks it). */
async function freeLocalPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * A path as the value of an ssh option: ssh splits an option's value at spaces (unless quoted) and
 * expands %-tokens in IdentityFile and UserKnownHostsFile ("%d" is the home folder), so a path like
 * "/Users/Jane Doe/…" or "…/100%/…" would name other files. Quoted, with \ and " escaped and % doubled.
 */
export function sshPathValue(path: string): string {
  return `"${path.replace(/[\\"]/g, '\\$&').replace(/%/g, '%%')}"`;
}

export function sshArguments(target: SshTarget, localPort: number, remotePort: number): string[] {
  return [
    '-N',
    '-L',
    `127.0.0.1:${localPort}:127.0.0.1:${remotePort}`,
    '-p',
    String(target.port),
    '-o',
    'BatchMode=yes',
    '-o',
    'ExitOnForwardFailure=yes',
    '-o',
    'ConnectTimeout=10',
    '-o',
    'ServerAliveInterval=15',
    // Not -i: ssh looks for that file by its literal name before expanding %-tokens, and skips it when not found.
    ...(target.identityFile ? ['-o', `IdentityFile=${sshPathValue(target.identityFile)}`, '-o', 'IdentitiesOnly=yes'] : []),
    // A known_hosts file of the fleet's own: the host key must be in it (never accepted blindly).
    ...(target.knownHostsFile ? ['-o', `UserKnownHostsFile=${sshPathValue(target.knownHostsFile)}`, '-o', 'StrictHostKeyChecking=yes'] : []),
    `${target.user}@${target.host}`,
  ];
}

function lastLines(text: string): string {
  return text.trim().split(/\r?\n/).slice(-3).join(' ').trim();
}

/** `abandon`: the caller no longer waits (a fleet status that has reported): ssh is stopped rather than waited for until it is ready. */
export async function openTunnel(target: SshTarget, remotePort: number, sshCommand = 'ssh', abandon?: AbortSignal): Promise<Tunnel> {
  const localPort = await freeLocalPort();
  // Its own process group: a Ctrl-C at the terminal stops the fleet command, which then closes the
  // tunnel itself once the calls under way are answered. If the command exits first, so does ssh.
  const child: ChildProcess = spawn(sshCommand, sshArguments(target, localPort, remotePort), { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  openTunnels.add(child);
  child.once('exit', () => openTunnels.delete(child));
  let stderr = '';
  // The last 16 kB: what ssh says about the latest failures, however long the tunnel lives.
  child.stderr!.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-16_384)));
  const exited = new Promise<string>((resolve) => {
    child.once('error', (err) => resolve(`ssh could not start (${(err as NodeJS.ErrnoException).code ?? err.message})`));
    child.once('exit', (code, signal) => resolve(`ssh exited (${signal ?? `code ${code}`})${stderr.trim() ? `: ${lastLines(stderr)}` : ''}`));
  });
  let gone: string | null = null;
  void exited.then((why) => (gone = why));
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (!(await accepts(localPort))) {
    if (gone !== null) throw new TunnelFailed(`The SSH tunnel to ${target.user}@${target.host}:${target.port} failed: ${gone}`);
    if (abandon?.aborted) {
      child.kill('SIGTERM');
      throw new TunnelFailed(`The SSH tunnel to ${target.user}@${target.host}:${target.port} was no longer waited for.`);
    }
    if (Date.now() > deadline) {
      child.kill('SIGTERM');
      throw new TunnelFailed(`The SSH tunnel to ${target.user}@${target.host}:${target.port} was not ready after ${READY_TIMEOUT_MS / 1000} s.`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    origin: `http://127.0.0.1:${localPort}`,
    ended: exited.then(() => undefined),
    said: () => stderr,
    async close() {
      if (gone === null) {
        child.kill('SIGTERM');
        await exited;
      }
    },
  };
}
