import net from 'node:net';

export interface TcpProxy {
  port: number;
  /** The URL with its host and port replaced by the proxy's. */
  rewrite(url: string): string;
  /** Connections opened so far (a test can tell which one a client used). */
  connections: number;
  /**
   * Silently stops forwarding on every open connection: sockets stay open and nothing
   * more arrives either way, as with a dead NAT entry. New connections work normally.
   */
  stall(): void;
  /** Closes every open connection at once. */
  cut(): void;
  /**
   * The next time a client sends bytes containing `marker` (e.g. a prepared statement's
   * name), forwards them and then hangs up on that client before the server's answer can
   * reach it: the statement runs and commits, and the client sees the connection drop.
   */
  cutAfter(marker: string): void;
  /** The same, but the bytes are dropped: the statement never reaches the server. */
  cutBefore(marker: string): void;
  close(): Promise<void>;
}

/** A TCP proxy on 127.0.0.1 in front of `host:port`, for dropped-connection tests. */
export async function startTcpProxy(host: string, port: number): Promise<TcpProxy> {
  const open = new Set<{ client: net.Socket; upstream: net.Socket; stalled: boolean; lingering: boolean }>();
  let cut: { marker: Buffer; forward: boolean } | null = null;
  const server = net.createServer((client) => {
    proxy.connections++;
    const upstream = net.connect(port, host);
    const pair = { client, upstream, stalled: false, lingering: false };
    open.add(pair);
    client.on('data', (d: Buffer) => {
      if (pair.stalled) return;
      const cutting = cut && d.includes(cut.marker) ? cut : null;
      if (!cutting || cutting.forward) upstream.write(d);
      if (cutting) {
        cut = null;
        // The client goes at once; the server keeps its socket long enough to commit.
        pair.stalled = true;
        pair.lingering = true;
        client.destroy();
        setTimeout(() => upstream.destroy(), 500).unref();
      }
    });
    upstream.on('data', (d) => pair.stalled || client.write(d));
    const end = () => {
      open.delete(pair);
      client.destroy();
      if (!pair.lingering) upstream.destroy();
    };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const proxy: TcpProxy = {
    port: (server.address() as net.AddressInfo).port,
    connections: 0,
    rewrite(url) {
      const u = new URL(url);
      u.hostname = '127.0.0.1';
      u.port = String(proxy.port);
      return u.toString();
    },
    stall() {
      for (const pair of open) pair.stalled = true;
    },
    cut() {
      for (const pair of open) {
        pair.client.destroy();
        pair.upstream.destroy();
      }
      open.clear();
    },
    cutAfter(marker) {
      cut = { marker: Buffer.from(marker), forward: true };
    },
    cutBefore(marker) {
      cut = { marker: Buffer.from(marker), forward: false };
    },
    close() {
      proxy.cut();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return proxy;
}
