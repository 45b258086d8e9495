/**
 * A DNS server on 127.0.0.1 that answers what a test tells it to, however
 * wrong: replies built byte by byte (RFC 1035 §4.1), over UDP and TCP on one
 * port, so the resolver can be tested against servers that misbehave.
 */
import dgram from 'node:dgram';
import net from 'node:net';

export interface HostileRecord {
  name: string;
  /** 1 A, 12 PTR, 15 MX, 16 TXT. */
  type: 1 | 12 | 15 | 16;
  /** A: dotted quad; PTR: a name; MX: "preference exchange"; TXT: the text (split into 255-octet strings). Names are written byte for byte (latin1). */
  data: string;
}

export interface HostileReply {
  rcode?: number;
  tc?: boolean;
  answers?: HostileRecord[];
}

/** What to answer to one question, per transport. */
export type HostileHandler = (question: { name: string; type: number }, transport: 'udp' | 'tcp') => HostileReply | undefined;

export interface HostileServer {
  /** "127.0.0.1:port". */
  server: string;
  close(): Promise<void>;
}

/** TXT RDATA: the text as character-strings of at most 255 octets (RFC 1035 §3.3.14). */
function txtStrings(text: string): Buffer {
  const bytes = Buffer.from(text);
  const parts: Buffer[] = [];
  for (let at = 0; at < bytes.length || parts.length === 0; at += 255) {
    const chunk = bytes.subarray(at, at + 255);
    parts.push(Buffer.from([chunk.length]), chunk);
  }
  return Buffer.concat(parts);
}

function encodeName(name: string): Buffer {
  // Presentation form (RFC 1035 §5.1): `\.` is a dot inside a label.
  const parts = name.split(/(?<!\\)\./).filter(Boolean).map((raw) => raw.replace(/\\(.)/g, '$1')).map((label) => Buffer.concat([Buffer.from([Buffer.byteLength(label, 'latin1')]), Buffer.from(label, 'latin1')]));
  return Buffer.concat([...parts, Buffer.from([0])]);
}

/** The question of a query: its name, type and where it ends. */
function readQuestion(query: Buffer): { name: string; type: number; end: number } {
  const labels: string[] = [];
  let at = 12;
  while (query[at]! !== 0) {
    const length = query[at]!;
    labels.push(query.subarray(at + 1, at + 1 + length).toString('ascii'));
    at += 1 + length;
  }
  at += 1;
  return { name: labels.join('.').toLowerCase(), type: query.readUInt16BE(at), end: at + 4 };
}

function encodeReply(query: Buffer, reply: HostileReply): Buffer {
  const question = readQuestion(query);
  const header = Buffer.alloc(12);
  header.writeUInt16BE(query.readUInt16BE(0), 0);
  const rd = query[2]! & 0x01;
  header[2] = 0x80 | (reply.tc ? 0x02 : 0) | rd; // QR, opcode 0, TC, RD
  header[3] = 0x80 | (reply.rcode ?? 0); // RA, RCODE
  header.writeUInt16BE(1, 4);
  const answers = (reply.answers ?? []).map((record) => {
    const preference = Buffer.alloc(2);
    preference.writeUInt16BE(Number(record.data.split(' ')[0]));
    const rdata =
      record.type === 1
        ? Buffer.from(record.data.split('.').map(Number))
        : record.type === 12
          ? encodeName(record.data)
          : record.type === 15
            ? Buffer.concat([preference, encodeName(record.data.split(' ')[1] ?? '')])
            : txtStrings(record.data);
    const fixed = Buffer.alloc(10);
    fixed.writeUInt16BE(record.type, 0);
    fixed.writeUInt16BE(1, 2);
    fixed.writeUInt32BE(300, 4);
    fixed.writeUInt16BE(rdata.length, 8);
    return Buffer.concat([encodeName(record.name), fixed, rdata]);
  });
  header.writeUInt16BE(answers.length, 6);
  return Buffer.concat([header, query.subarray(12, question.end), ...answers]);
}

export async function startHostileDns(handler: HostileHandler): Promise<HostileServer> {
  const tcp = net.createServer((socket) => {
    let buffered = Buffer.alloc(0);
    socket.on('error', () => undefined);
    socket.on('data', (chunk) => {
      buffered = Buffer.concat([buffered, chunk]);
      while (buffered.length >= 2 && buffered.length >= 2 + buffered.readUInt16BE(0)) {
        const query = buffered.subarray(2, 2 + buffered.readUInt16BE(0));
        buffered = buffered.subarray(2 + query.length);
        const reply = handler(readQuestion(query), 'tcp');
        if (!reply) continue;
        const body = encodeReply(query, reply);
        const length = Buffer.alloc(2);
        length.writeUInt16BE(body.length);
        socket.write(Buffer.concat([length, body]));
      }
    });
  });
  await new Promise<void>((resolve) => tcp.listen(0, '127.0.0.1', resolve));
  const port = (tcp.address() as net.AddressInfo).port;
  const udp = dgram.createSocket('udp4');
  udp.on('message', (query, remote) => {
    const reply = handler(readQuestion(query), 'udp');
    if (reply) udp.send(encodeReply(query, reply), remote.port, remote.address);
  });
  await new Promise<void>((resolve, reject) => {
    udp.once('error', reject);
    udp.bind(port, '127.0.0.1', () => resolve());
  });
  return {
    server: `127.0.0.1:${port}`,
    close: async () => {
      await new Promise<void>((resolve) => udp.close(() => resolve()));
      await new Promise<void>((resolve) => tcp.close(() => resolve()));
    },
  };
}
