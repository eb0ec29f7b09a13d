/**
 * The gRPC equivalent of Retry-After (OTel spec, OTLP/gRPC throttling): a RESOURCE_EXHAUSTED
 * or UNAVAILABLE status may carry a google.rpc.RetryInfo in its details, the serialised
 * google.rpc.Status of the `grpc-status-details-bin` trailer. @grpc/grpc-js hands those bytes
 * over undecoded and nothing Beacon installs decodes them, so the three small messages are
 * read here, by hand, from the protobuf wire format:
 *   Status { repeated Any details = 3 }  Any { string type_url = 1; bytes value = 2 }
 *   RetryInfo { Duration retry_delay = 1 }  Duration { int64 seconds = 1; int32 nanos = 2 }
 */

const RETRY_INFO_TYPE = 'type.googleapis.com/google.rpc.RetryInfo';
const VARINT = 0;
const FIXED64 = 1;
const LENGTH_DELIMITED = 2;
const FIXED32 = 5;

/** The delay the status details ask for, in ms; null when they hold no RetryInfo or cannot be read. */
export function retryDelayMs(statusDetails: Uint8Array): number | null {
  for (const detail of fieldsOf(statusDetails, 3)) {
    const typeUrl = fieldsOf(detail, 1)[0];
    if (typeUrl === undefined || Buffer.from(typeUrl).toString('utf8') !== RETRY_INFO_TYPE) continue;
    const duration = fieldsOf(fieldsOf(detail, 2)[0] ?? new Uint8Array(), 1)[0] ?? new Uint8Array();
    const seconds = varintsOf(duration, 1)[0] ?? 0;
    const nanos = varintsOf(duration, 2)[0] ?? 0;
    return seconds * 1000 + Math.round(nanos / 1e6);
  }
  return null;
}

interface Field {
  number: number;
  value: number | Uint8Array;
}

/** The length-delimited fields (messages, strings, bytes) numbered `number`. */
function fieldsOf(message: Uint8Array, number: number): Uint8Array[] {
  return fields(message).flatMap((field) => (field.number === number && field.value instanceof Uint8Array ? [field.value] : []));
}

function varintsOf(message: Uint8Array, number: number): number[] {
  return fields(message).flatMap((field) => (field.number === number && typeof field.value === 'number' ? [field.value] : []));
}

/** The fields of a message, in order; none when it is garbled (garbled details ask for no wait). */
function fields(message: Uint8Array): Field[] {
  const found: Field[] = [];
  let at = 0;
  /** A varint (up to 2^53: seconds and nanos fit); NaN when truncated. */
  const varint = (): number => {
    let value = 0;
    for (let shift = 0; at < message.length && shift < 64; shift += 7) {
      const byte = message[at++]!;
      value += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return value;
    }
    return NaN;
  };
  while (at < message.length) {
    const key = varint();
    const number = Math.floor(key / 8);
    switch (key % 8) {
      case VARINT: {
        const value = varint();
        if (Number.isNaN(value)) return [];
        found.push({ number, value });
        break;
      }
      case LENGTH_DELIMITED: {
        const length = varint();
        if (Number.isNaN(length) || at + length > message.length) return [];
        found.push({ number, value: message.subarray(at, (at += length)) });
        break;
      }
      case FIXED64:
        at += 8;
        break;
      case FIXED32:
        at += 4;
        break;
      default: // a garbled key (NaN too) or a group
        return [];
    }
  }
  return found;
}
