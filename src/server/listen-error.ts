import { ConfigError } from '../errors.js';

/**
 * Maps a failure to listen to the error a user can act on: a port in use or not allowed names the
 * port and the option that changes it (`--port` / `CPR_PORT`); an address that is not this
 * machine's names `--host` / `CPR_HOST`. Other failures are returned unchanged.
 */
export function listenError(error: unknown, { host, port }: { host: string; port: number }): unknown {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (code === 'EADDRINUSE') {
    return new ConfigError(
      `Port ${port} on ${host} is already in use (another cpr-meter serve, or another program): stop it, or choose another port with --port or CPR_PORT (0 picks a free one).`,
      { option: 'port', cause: error },
    );
  }
  if (code === 'EACCES') {
    return new ConfigError(
      `Not allowed to listen on port ${port} of ${host} (ports below 1024 need privileges): choose another port with --port or CPR_PORT.`,
      { option: 'port', cause: error },
    );
  }
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return new ConfigError(
      `Cannot listen on ${host}: it is not an address of this machine. Set --host or CPR_HOST (default 127.0.0.1).`,
      { option: 'host', cause: error },
    );
  }
  return error;
}
