// Requests sent as an attacker would send them: the path exactly as given (no normalising of
// dot segments or escapes, which fetch and inject both do), any Host, any bytes as the body.
import http from "node:http";
import net from "node:net";

export interface RawAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });

/** One request through Node's client, with the path as written. */
export function rawRequest(
  base: string,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: Buffer | string,
): Promise<RawAnswer> {
  const { hostname, port } = new URL(base);
  // Node's client sends a DELETE's body with neither a length nor chunks: say its length.
  const length = body === undefined ? {} : { "content-length": String(Buffer.byteLength(body)) };
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        host: hostname,
        port,
        method,
        path,
        headers: { ...length, ...headers },
        agent,
        setHost: !("host" in headers),
      },
      (response) => {
        const parts: Buffer[] = [];
        response.on("data", (part: Buffer) => parts.push(part));
        response.on("end", () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: Buffer.concat(parts).toString("utf8"),
          }),
        );
        response.on("error", reject);
      },
    );
    request.on("error", reject);
    request.end(body);
  });
}

/**
 * Bytes straight onto a socket, for requests Node's client refuses to write; the raw answer once
 * the server closes. The socket is not half-closed first: Node's server may drop a request whose
 * client already ended.
 */
export function rawBytes(base: string, bytes: string | Buffer): Promise<string> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname, () => socket.write(bytes));
    const parts: Buffer[] = [];
    socket.on("data", (part: Buffer) => parts.push(part));
    socket.on("close", () => resolve(Buffer.concat(parts).toString("latin1")));
    socket.on("error", reject);
  });
}

/** The status and JSON body of a raw HTTP/1.1 answer. */
export function parseRawAnswer(raw: string): { status: number; body: string } {
  const [head = "", ...rest] = raw.split("\r\n\r\n");
  return {
    status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0),
    body: rest.join("\r\n\r\n"),
  };
}
